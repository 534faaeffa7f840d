import { and, desc, eq, lt, or } from "drizzle-orm";
import type { Db } from "../index";
import { files } from "../schema";

export type StoredFile = typeof files.$inferSelect;

export interface NewPendingUpload {
  id: string;
  ownerId: string;
  key: string;
  filename: string;
  contentType: string;
  size: number;
  sha256?: string | undefined;
  uploadExpiresAt: Date;
  createdAt: Date;
}

/** Records a pending upload whose bytes are to arrive through a presigned PUT. */
export async function createPendingUpload(db: Db, upload: NewPendingUpload): Promise<StoredFile> {
  const [row] = await db
    .insert(files)
    .values({
      ...upload,
      sha256: upload.sha256 ?? null,
      origin: "upload",
      status: "pending",
      updatedAt: upload.createdAt,
    })
    .returning();
  if (!row) throw new Error("Inserting the pending upload returned no row.");
  return row;
}

/** A user's upload in any state; another user's, or a generated file, is not found. */
export async function findUpload(db: Db, ownerId: string, id: string): Promise<StoredFile | null> {
  const row = await db
    .select()
    .from(files)
    .where(and(eq(files.id, id), eq(files.ownerId, ownerId), eq(files.origin, "upload")))
    .get();
  return row ?? null;
}

/** A user's file if it is `ready`; only ready files are listed, downloaded or deleted. */
export async function findUserReadyFile(db: Db, ownerId: string, id: string): Promise<StoredFile | null> {
  const row = await db
    .select()
    .from(files)
    .where(and(eq(files.id, id), eq(files.ownerId, ownerId), eq(files.status, "ready")))
    .get();
  return row ?? null;
}

/** A place in the newest-first listing: the last row of the previous page. */
export interface FilePosition {
  createdAt: number;
  id: string;
}

/**
 * One page of a user's ready files, newest first, by keyset on (created_at, id) so pages stay
 * stable while files are added. `next` is where the following page starts, or null.
 */
export async function listReadyFiles(
  db: Db,
  ownerId: string,
  page: { limit: number; after?: FilePosition | undefined },
): Promise<{ rows: StoredFile[]; next: FilePosition | null }> {
  const after = page.after;
  const rows = await db
    .select()
    .from(files)
    .where(
      and(
        eq(files.ownerId, ownerId),
        eq(files.status, "ready"),
        after
          ? or(
              lt(files.createdAt, new Date(after.createdAt)),
              and(eq(files.createdAt, new Date(after.createdAt)), lt(files.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(files.createdAt), desc(files.id))
    .limit(page.limit + 1);

  const more = rows.length > page.limit;
  const items = more ? rows.slice(0, page.limit) : rows;
  const last = items.at(-1);
  return {
    rows: items,
    next: more && last ? { createdAt: last.createdAt.getTime(), id: last.id } : null,
  };
}
