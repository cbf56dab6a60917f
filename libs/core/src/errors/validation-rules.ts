import { getMetadataStorage } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type ValidationMetadata = ReturnType<Storage['getTargetValidationMetadatas']>[number];
type Grouped = Record<string, ValidationMetadata[]>;
type Target = Parameters<Storage['getTargetValidationMetadatas']>[0];

const CACHED = Symbol.for('yg.validationRulesCached');

/**
 * Remembers each class's validation rules once looked up. class-validator finds a class's rules
 * by scanning every registered class for ancestry (`getTargetValidationMetadatas`), then groups
 * them by property, on every validation and again for every nested object: ~115 input classes
 * scanned per object of every mutation. Rules only ever come from decorators, registered as
 * classes load; any rule added later forgets everything remembered. Lookups with groups are
 * left as they were (the api uses none).
 */
export function cacheValidationRules(storage: Storage = getMetadataStorage()): void {
  const s = storage as Storage & { [CACHED]?: true };
  if (s[CACHED]) return;
  s[CACHED] = true;
  const lookup = s.getTargetValidationMetadatas.bind(s);
  const group = s.groupByPropertyName.bind(s);
  const addRule = s.addValidationMetadata.bind(s);
  // Keyed by class, then by the rest of the question (a nested object is looked up under its
  // parent's name as schema).
  let rules = new Map<Target, Map<string, ValidationMetadata[]>>();
  let grouped = new WeakMap<ValidationMetadata[], Grouped>();

  s.addValidationMetadata = (metadata) => {
    rules = new Map();
    grouped = new WeakMap();
    addRule(metadata);
  };
  s.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (groups?.length) return lookup(target, schema, always, strictGroups, groups);
    const options = `${schema}:${always}:${strictGroups}`;
    let byOptions = rules.get(target);
    if (!byOptions) rules.set(target, (byOptions = new Map()));
    let found = byOptions.get(options);
    if (!found) byOptions.set(options, (found = lookup(target, schema, always, strictGroups, groups)));
    return found;
  };
  // The executor groups the list it was just given; for a remembered list, the same grouping.
  s.groupByPropertyName = (metadata) => {
    let byProperty = grouped.get(metadata);
    if (!byProperty) grouped.set(metadata, (byProperty = group(metadata)));
    return byProperty;
  };
}
