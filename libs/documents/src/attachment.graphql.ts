import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { NotBlank } from '@yg/core';

/**
 * An attachment item as forms give it, shared by referrals and consultations; each adds its own
 * `uri` field (the address schemes it takes differ: DICOMweb for studies).
 */
@InputType({ isAbstract: true })
export abstract class AttachmentInputFields {
  @Field(() => String) @IsString() @MinLength(1) @MaxLength(200) @NotBlank() name!: string;
  @Field(() => String, {
    nullable: true,
    description:
      '类型,如 application/pdf、image/jpeg、DICOM、ECG;按地址给出时必填,上传的文件以识别出的类型为准 (required with uri; an upload takes the type recognised from its bytes)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  type?: string | null;
  @Field(() => ID, {
    nullable: true,
    description: '已上传的文件 (POST /documents 返回的 documentId) A document uploaded to POST /documents',
  })
  @IsOptional()
  @IsUUID()
  documentId?: string | null;
}

/** An attachment as a referral or consultation shows it. */
@ObjectType({ isAbstract: true })
export abstract class AttachmentFields {
  @Field(() => String) name!: string;
  @Field(() => String) type!: string;
  @Field(() => String, {
    description: '地址;上传的文件为 /documents/<id> (an upload: where the api serves it)',
  })
  uri!: string;
  @Field(() => ID, { nullable: true, description: '上传的文件 An uploaded document' })
  documentId?: string | null;
  @Field(() => Int, { nullable: true, description: '字节数 Size in bytes (uploads)' })
  sizeBytes?: number | null;
  @Field(() => String, { nullable: true, description: 'SHA-256 (uploads)' })
  sha256?: string | null;
}
