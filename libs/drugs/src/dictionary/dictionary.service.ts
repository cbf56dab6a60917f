import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource, EntityManager, In } from 'typeorm';
import { isUUID } from 'class-validator';
import { Connection, LoaderFactory, NotFoundError, PageArgs, paginate } from '@yg/core';
import {
  DrugCodeEntity,
  DrugDictionaryEditionEntity,
  DrugDictionaryImportEntity,
  EssentialDrugEditionEntity,
} from '../entities/dictionary.entities';
import { DrugsArgs } from '../dto/drug.inputs';
import { codePrefixRange, containsPattern } from '../domain/search';

/** Reads of the national dictionary: the same for every tenant (national codes are national). */
@Injectable()
export class DrugDictionaryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  drugs(args: DrugsArgs): Promise<Connection<DrugCodeEntity>> {
    const qb = this.dataSource.getRepository(DrugCodeEntity).createQueryBuilder('d');
    if (args.search?.trim()) {
      const range = codePrefixRange(args.search);
      if (range) {
        qb.andWhere('d.code >= :lo AND d.code < :hi AND left(d.code, :n) = :prefix', {
          ...range,
          n: range.prefix.length,
        });
      } else {
        // Names are searched among the distinct (product key, name) pairs (trigram index), and
        // their codes found by the primary key's range: a product's codes start with its key.
        qb.andWhere(
          `d.generic_name LIKE :pattern AND d.code IN (
             SELECT c.code FROM drug_product_name n
               JOIN drug_code c ON c.code >= n.product_key AND c.code < n.product_key || '~'
                AND c.generic_name = n.generic_name
              WHERE n.generic_name LIKE :pattern)`,
          { pattern: containsPattern(args.search.trim()) },
        );
      }
    }
    if (args.kind) qb.andWhere('d.kind = :kind', { kind: args.kind });
    if (args.status) qb.andWhere('d.status = :status', { status: args.status });
    const key = args.productKey ? codePrefixRange(args.productKey) : null;
    if (args.productKey) {
      if (!key) qb.andWhere('false');
      else
        qb.andWhere('d.code >= :klo AND d.code < :khi AND d.product_key = :pk', {
          klo: key.lo,
          khi: key.hi,
          pk: key.prefix,
        });
    }
    return paginate(qb, [{ expr: 'd.code', value: (r) => r.code }], args);
  }

  /** One code; NOT_FOUND when the dictionary does not hold it. */
  async drug(code: string, em?: EntityManager): Promise<DrugCodeEntity> {
    const row = await (em ?? this.dataSource.manager)
      .getRepository(DrugCodeEntity)
      .findOneBy({ code: code.trim() });
    if (!row) throw new NotFoundError('Drug', '药品代码', code.slice(0, 40));
    return row;
  }

  /** Codes that exist, by code; null for the others. */
  async drugsByCode(codes: string[], em?: EntityManager): Promise<Map<string, DrugCodeEntity>> {
    if (!codes.length) return new Map();
    const rows = await (em ?? this.dataSource.manager)
      .getRepository(DrugCodeEntity)
      .findBy({ code: In([...new Set(codes)]) });
    return new Map(rows.map((r) => [r.code, r]));
  }

  /** Some codes of one product (generic + dosage form), in code order. */
  productCodes(productKey: string, em?: EntityManager, limit = 200): Promise<DrugCodeEntity[]> {
    // A product's codes start with its key: a range of the primary key.
    const range = codePrefixRange(productKey);
    if (!range) return Promise.resolve([]);
    return (em ?? this.dataSource.manager)
      .getRepository(DrugCodeEntity)
      .createQueryBuilder('d')
      .where('d.code >= :lo AND d.code < :hi AND d.product_key = :pk', { ...range, pk: range.prefix })
      .orderBy('d.code')
      .take(limit)
      .getMany();
  }

  imports(args: PageArgs): Promise<Connection<DrugDictionaryImportEntity>> {
    const qb = this.dataSource.getRepository(DrugDictionaryImportEntity).createQueryBuilder('i');
    return paginate(
      qb,
      [
        { expr: 'i.created_at', value: (r) => r.createdAt.toISOString(), kind: 'date' },
        { expr: 'i.id', value: (r) => r.id, kind: 'uuid' },
      ],
      args,
      'DESC',
    );
  }

  async import(id: string): Promise<DrugDictionaryImportEntity> {
    const row = isUUID(id)
      ? await this.dataSource.getRepository(DrugDictionaryImportEntity).findOneBy({ id })
      : null;
    if (!row) throw new NotFoundError('DrugDictionaryImport', '药品目录导入', id);
    return row;
  }

  editions(): Promise<DrugDictionaryEditionEntity[]> {
    return this.dataSource.getRepository(DrugDictionaryEditionEntity).find({ order: { seq: 'DESC' } });
  }

  essentialEditions(): Promise<EssentialDrugEditionEntity[]> {
    return this.dataSource.getRepository(EssentialDrugEditionEntity).find({ order: { code: 'ASC' } });
  }

  readonly drugLoader: LoaderFactory<string, DrugCodeEntity | null> = () =>
    new DataLoader(async (codes) => {
      const byCode = await this.drugsByCode([...codes]);
      return codes.map((c) => byCode.get(c) ?? null);
    });

  /** The current edition's id (the newest full edition loaded), once per request. */
  readonly currentEditionLoader: LoaderFactory<true, string | null> = () =>
    new DataLoader(async (keys) => {
      const [row]: { id: string }[] = await this.dataSource.query(
        `SELECT id FROM drug_dictionary_edition WHERE current`,
      );
      return keys.map(() => row?.id ?? null);
    });

  readonly editionLoader: LoaderFactory<string, DrugDictionaryEditionEntity | null> = () =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource
        .getRepository(DrugDictionaryEditionEntity)
        .findBy({ id: In([...ids]) });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    });
}
