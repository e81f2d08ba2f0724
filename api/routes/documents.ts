// The center's documents of an application (受理通知书 …), issued by the documents issuer
// (api/services/documents.ts) when their events happen: the list and each PDF, for whoever may read
// the application; anyone else gets 404, as if there were none.
import { z } from 'zod';
import { documentsRepo, type DocumentMeta } from '../../db/repositories/documents';
import type { DocumentView } from '../../domain/documents';
import { scopes } from '../access';
import { IdParams } from '../schemas';
import { defineRoute, type AnyRoute } from './define';

const READERS = ['officer', 'staff', 'supervisor', 'admin'] as const;

const DocumentIdParams = z.object({
  id: z.string().regex(/^[A-Za-z0-9-]{1,80}$/, 'malformed document id'),
});

export const toDocumentView = (d: DocumentMeta): DocumentView => ({
  id: d.id,
  kind: d.kind,
  title: d.title,
  ...(d.step_id ? { stepId: d.step_id } : {}),
  issuedAt: d.issued_at.toISOString(),
  sha256: d.sha256,
  sizeBytes: d.size_bytes,
  ...(d.supersedes ? { supersedes: d.supersedes } : {}),
  ...(d.superseded_by ? { supersededBy: d.superseded_by } : {}),
});

/** RFC 5987 / RFC 6266: a Chinese file name as `filename*`, with an ASCII `filename` for old clients. */
export function contentDisposition(asciiName: string, utf8Name: string): string {
  const encoded = encodeURIComponent(utf8Name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `inline; filename="${asciiName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encoded}`;
}

export const documentRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/api/applications/:id/documents',
    summary: "The center's documents of an application, oldest first",
    tag: 'documents',
    access: READERS,
    scope: scopes.hiddenReadableApplication,
    params: IdParams,
    handler: async ({ deps, resource: application }) =>
      (await documentsRepo.listByApplication(deps.db, application.id)).map(toDocumentView),
  }),

  defineRoute({
    method: 'get',
    path: '/api/documents/:id',
    summary: 'One document as issued (application/pdf, A4, Simplified Chinese)',
    tag: 'documents',
    access: READERS,
    scope: scopes.readableDocument,
    params: DocumentIdParams,
    handler: ({ res, resource: document }) => {
      res
        .status(200)
        .set({
          'Content-Type': 'application/pdf',
          'Content-Length': String(document.pdf.length),
          'Content-Disposition': contentDisposition(`${document.id}.pdf`, `${document.title}-${document.id}.pdf`),
          // Personal data: kept by no shared cache; the bytes never change, so the hash is the tag.
          'Cache-Control': 'private, no-cache',
          ETag: `"${document.sha256}"`,
          'X-Content-SHA256': document.sha256,
        })
        .send(document.pdf);
    },
  }),
];
