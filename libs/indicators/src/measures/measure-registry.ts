import { Inject, Injectable } from '@nestjs/common';
import { MEASURE_SOURCES, MeasureSource } from './measure-source';

/** Every registered source by key; refuses to start when two sources claim one key. */
@Injectable()
export class MeasureRegistry {
  private readonly byKey = new Map<string, MeasureSource>();
  readonly levelKeys: ReadonlySet<string>;

  constructor(@Inject(MEASURE_SOURCES) readonly sources: readonly MeasureSource[]) {
    const levels = new Set<string>();
    for (const s of sources) {
      for (const k of s.keys) {
        if (this.byKey.has(k)) throw new Error(`measure ${k} is claimed by two sources`);
        this.byKey.set(k, s);
      }
      for (const k of s.levelKeys) levels.add(k);
    }
    this.levelKeys = levels;
  }

  sourceOf(key: string): MeasureSource | undefined {
    return this.byKey.get(key);
  }

  get availableKeys(): ReadonlySet<string> {
    return new Set(this.byKey.keys());
  }
}
