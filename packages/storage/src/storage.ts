import { S3Client } from "@aws-sdk/client-s3";

/** Where R2's S3 API lives and how to sign for it. */
export interface StorageConfig {
  /** R2's S3 endpoint: `https://<account-id>.r2.cloudflarestorage.com`, or the local one. */
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** An S3 client bound to one bucket. Make one per Worker isolate; it holds no connection. */
export interface Storage {
  client: S3Client;
  bucket: string;
}

/**
 * Builds the S3 client Trove signs with. The endpoint is always given, so the SDK never
 * falls back to an AWS host; credentials are given, so it never looks for them elsewhere.
 *
 * `requestChecksumCalculation: "WHEN_REQUIRED"` keeps the SDK from adding the CRC32 of an
 * empty body to presigned PUTs, which would make every real upload fail its checksum.
 *
 * @example
 * const storage = createStorage({ endpoint, bucket: "trove-uploads", accessKeyId, secretAccessKey });
 */
export function createStorage(config: StorageConfig): Storage {
  const client = new S3Client({
    endpoint: config.endpoint,
    region: "auto",
    forcePathStyle: true,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  return { client, bucket: config.bucket };
}
