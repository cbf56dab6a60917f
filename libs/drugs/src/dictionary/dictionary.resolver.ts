import { Args, Context, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Connection, GqlContext, PageArgs, Role, Roles } from '@yg/core';
import { DrugDictionaryService } from './dictionary.service';
import {
  DrugCodeEntity,
  DrugDictionaryEditionEntity,
  DrugDictionaryImportEntity,
  EssentialDrugEditionEntity,
} from '../entities/dictionary.entities';
import {
  DrugConnection,
  DrugDictionaryEditionModel,
  DrugDictionaryImportConnection,
  DrugDictionaryImportModel,
  DrugModel,
  EssentialDrugEditionModel,
  ImportRowErrorModel,
} from '../models/drug.models';
import { DrugsArgs } from '../dto/drug.inputs';

/** Who may see how dictionary imports went. */
const IMPORT_READERS = [Role.CONSORTIUM_ADMIN, Role.PHARMACIST, Role.AUDITOR];

/**
 * The national dictionary, read-only here: imports run from the command line or the worker
 * (see the README), since the file lives on the server and the dictionary is shared by every
 * consortium of the deployment.
 */
@Resolver(() => DrugModel)
export class DrugDictionaryResolver {
  constructor(private readonly dictionary: DrugDictionaryService) {}

  @Query(() => DrugConnection, { description: '国家医保药品目录 National drug codes, in code order' })
  drugs(@Args() args: DrugsArgs): Promise<Connection<DrugCodeEntity>> {
    return this.dictionary.drugs(args);
  }

  @Query(() => DrugModel, { description: '按医保药品代码查询 One national code' })
  drug(@Args('code', { type: () => String }) code: string): Promise<DrugCodeEntity> {
    return this.dictionary.drug(code);
  }

  @Query(() => [EssentialDrugEditionModel], {
    description: '国家基本药物目录版本 Essential-drug list editions',
  })
  essentialDrugEditions(): Promise<EssentialDrugEditionEntity[]> {
    return this.dictionary.essentialEditions();
  }

  @Query(() => [DrugDictionaryEditionModel], {
    description: '已导入的目录版本(新的在前) Dictionary editions, newest first',
  })
  drugDictionaryEditions(): Promise<DrugDictionaryEditionEntity[]> {
    return this.dictionary.editions();
  }

  @Query(() => DrugDictionaryImportConnection, {
    description: '国家目录导入记录(新的在前) Dictionary imports, newest first',
  })
  @Roles(...IMPORT_READERS)
  drugDictionaryImports(@Args() args: PageArgs): Promise<Connection<DrugDictionaryImportEntity>> {
    return this.dictionary.imports(args);
  }

  @Query(() => DrugDictionaryImportModel, {
    description: '一次导入的结果与错误行 One import, with its bad rows',
  })
  @Roles(...IMPORT_READERS)
  drugDictionaryImport(@Args('id', { type: () => ID }) id: string): Promise<DrugDictionaryImportEntity> {
    return this.dictionary.import(id);
  }

  @ResolveField(() => DrugDictionaryEditionModel, {
    description: '首次收录的版本 Edition that first listed it',
  })
  firstSeenEdition(@Parent() d: DrugCodeEntity, @Context() ctx: GqlContext) {
    return ctx.loaders.get(this.dictionary.editionLoader).load(d.firstSeenEditionId);
  }

  @ResolveField(() => DrugDictionaryEditionModel, {
    description: '最近收录的版本 Latest edition that listed it',
  })
  async lastSeenEdition(@Parent() d: DrugCodeEntity, @Context() ctx: GqlContext) {
    // An empty last-seen edition: listed by the current edition.
    const id =
      d.lastSeenEditionId ?? (await ctx.loaders.get(this.dictionary.currentEditionLoader).load(true));
    return id ? ctx.loaders.get(this.dictionary.editionLoader).load(id) : null;
  }

  @ResolveField(() => DrugDictionaryEditionModel, {
    nullable: true,
    description: '停用于 Edition that dropped it',
  })
  retiredInEdition(@Parent() d: DrugCodeEntity, @Context() ctx: GqlContext) {
    return d.retiredInEditionId
      ? ctx.loaders.get(this.dictionary.editionLoader).load(d.retiredInEditionId)
      : null;
  }
}

@Resolver(() => DrugDictionaryImportModel)
export class DrugDictionaryImportResolver {
  constructor(private readonly dictionary: DrugDictionaryService) {}

  @ResolveField(() => DrugDictionaryEditionModel)
  edition(@Parent() i: DrugDictionaryImportEntity, @Context() ctx: GqlContext) {
    return ctx.loaders.get(this.dictionary.editionLoader).load(i.editionId);
  }

  @ResolveField(() => [ImportRowErrorModel], {
    description:
      '错误行(最多保存前 1000 行,rowsBad 为总数) Bad rows: the first 1,000 are kept, rowsBad counts all',
  })
  errors(
    @Parent() i: DrugDictionaryImportEntity,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 100 }) first: number,
    @Args('offset', { type: () => Int, nullable: true, defaultValue: 0 }) offset: number,
  ): ImportRowErrorModel[] {
    const from = Math.max(0, offset);
    return i.errors.slice(from, from + Math.min(Math.max(first, 0), 1000));
  }
}
