import { TroveApiError, TroveError } from "@trove/client";

const UNITS = ["bytes", "KB", "MB", "GB"];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/** A sentence for a person: the problem's detail, a field list for validation errors. */
export function describeError(error: unknown): string {
  if (error instanceof TroveApiError) {
    const fields = error.problem.errors?.map((issue) => issue.message).join(" ");
    return fields ? `${error.message} ${fields}` : error.message;
  }
  if (error instanceof TroveError) return error.message;
  return "Something went wrong in the page. Reload it and try again.";
}

/** A short label for a media type: "PDF", "PNG", "TEXT". */
export function typeLabel(contentType: string): string {
  if (contentType === "application/pdf") return "PDF";
  const sub = contentType.split("/")[1] ?? contentType;
  return (contentType.startsWith("text/") ? "text" : sub).toUpperCase();
}
