import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AuthUser, Connection, CurrentUser, GqlContext, Role, Roles } from '@yg/core';
import { FormularyService } from './formulary.service';
import { DrugDictionaryService } from '../dictionary/dictionary.service';
import { FormularyItemEntity, FormularyItemVersionEntity } from '../entities/formulary.entities';
import { DrugCodeEntity } from '../entities/dictionary.entities';
import {
  FormularyConnection,
  FormularyItemModel,
  FormularyItemVersionModel,
} from '../models/formulary.models';
import { DrugModel } from '../models/drug.models';
import {
  AddFormularyItemInput,
  FormularyArgs,
  RetireFormularyItemInput,
  UpdateFormularyItemInput,
} from '../dto/formulary.inputs';

/** The service narrows pharmacists to the lead hospital's. */
const KEEPERS = [Role.CONSORTIUM_ADMIN, Role.PHARMACIST];

@Resolver(() => FormularyItemModel)
export class FormularyResolver {
  constructor(
    private readonly service: FormularyService,
    private readonly dictionary: DrugDictionaryService,
  ) {}

  @Query(() => FormularyConnection, { description: '医共体统一药品目录 The unified drug list' })
  formulary(
    @CurrentUser() user: AuthUser,
    @Args() args: FormularyArgs,
  ): Promise<Connection<FormularyItemEntity>> {
    return this.service.list(user, args);
  }

  @Query(() => FormularyItemModel, { description: '统一目录条目 One unified-list item' })
  formularyItem(
    @CurrentUser() user: AuthUser,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<FormularyItemEntity> {
    return this.service.get(user.tenantId, id);
  }

  @Mutation(() => FormularyItemModel, { description: '加入统一目录 Add an item to the unified list' })
  @Roles(...KEEPERS)
  addFormularyItem(
    @CurrentUser() user: AuthUser,
    @Args('input') input: AddFormularyItemInput,
  ): Promise<FormularyItemEntity> {
    return this.service.add(user, input);
  }

  @Mutation(() => FormularyItemModel, {
    description: '修改统一目录条目(新版本) Change an item (a new version)',
  })
  @Roles(...KEEPERS)
  updateFormularyItem(
    @CurrentUser() user: AuthUser,
    @Args('input') input: UpdateFormularyItemInput,
  ): Promise<FormularyItemEntity> {
    return this.service.update(user, input);
  }

  @Mutation(() => FormularyItemModel, {
    description: '停用统一目录条目(保留历史) Retire an item, keeping its history',
  })
  @Roles(...KEEPERS)
  retireFormularyItem(
    @CurrentUser() user: AuthUser,
    @Args('input') input: RetireFormularyItemInput,
  ): Promise<FormularyItemEntity> {
    return this.service.retire(user, input);
  }

  @ResolveField(() => DrugModel, {
    nullable: true,
    description: '国家目录中的代码 The national code’s entry',
  })
  drug(@Parent() f: FormularyItemEntity, @Context() ctx: GqlContext): Promise<DrugCodeEntity | null> | null {
    return f.nationalCode ? ctx.loaders.get(this.dictionary.drugLoader).load(f.nationalCode) : null;
  }

  @ResolveField(() => [FormularyItemVersionModel], {
    description: '版本历史(旧的在前) Versions, oldest first',
  })
  versions(
    @Parent() f: FormularyItemEntity,
    @Context() ctx: GqlContext,
  ): Promise<FormularyItemVersionEntity[]> {
    return ctx.loaders.get(this.service.versionsLoader).load(f.id);
  }

  @ResolveField(() => [FormularyItemModel], {
    description:
      '可替代的在用条目(同替代组,本条除外) Active items of the same substitution group, this one excluded',
  })
  async substitutes(
    @Parent() f: FormularyItemEntity,
    @Context() ctx: GqlContext,
  ): Promise<FormularyItemEntity[]> {
    const group = await ctx.loaders.get(this.service.groupLoader).load(f.substitutionKey);
    return group.filter((g) => g.id !== f.id);
  }
}
