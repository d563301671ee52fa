/** A file part of a multipart upload. */
export interface UploadedFile {
  filename: string | undefined;
  mimeType: string;
  size: number;
  bytes: Buffer;
}

export function isUploadedFile(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && Buffer.isBuffer((value as UploadedFile).bytes);
}

/**
 * Graph accepts form posts as well as JSON; values that look like JSON objects
 * or arrays (`template={...}`) are decoded, as Graph does.
 */
export function parseFormBody(body: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const trimmed = value.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        result[key] = JSON.parse(trimmed);
        continue;
      } catch {
        // Not JSON after all: keep the string, as Graph would.
      }
    }
    result[key] = value;
  }
  return result;
}

/** Multipart via the WHATWG body parser built into Node, so no multipart dependency is needed. */
export async function parseMultipartBody(contentType: string, body: Buffer): Promise<Record<string, string | UploadedFile>> {
  const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  const result: Record<string, string | UploadedFile> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value === 'string') {
      result[key] = value;
    } else {
      const bytes = Buffer.from(await value.arrayBuffer());
      result[key] = { filename: value.name || undefined, mimeType: value.type, size: bytes.length, bytes };
    }
  }
  return result;
}
