import type { TemplateOperationView } from '../operations/template-operation.view';
import type { TemplateView } from './template.view';
import { EXAMPLE_TEMPLATE } from './templates.schemas';

/** OpenAPI examples shared by the template and template-operation routes. */
export const EXAMPLE_VIEW: TemplateView = {
  id: '4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a',
  environment: 'live',
  wabaId: '2000000000000001',
  metaTemplateId: '4000000000000001',
  name: 'order_update',
  language: 'en_US',
  category: 'UTILITY',
  status: 'APPROVED',
  rejectionReason: null,
  qualityScore: 'GREEN',
  parameterFormat: 'POSITIONAL',
  components: EXAMPLE_TEMPLATE.components,
  placeholders: {
    format: 'POSITIONAL',
    header: null,
    body: { placeholders: ['1', '2'] },
    buttons: [{ index: 0, type: 'URL', subType: 'url', parameter: { type: 'text', required: true }, placeholders: ['1'] }],
    unchecked: [],
  },
  backup: null,
  statusDetail: null,
  categoryChange: null,
  lastSyncedAt: '2025-01-15T09:50:00.000Z',
  createdAt: '2025-01-15T09:45:00.000Z',
  updatedAt: '2025-01-15T09:50:00.000Z',
};

export const EXAMPLE_OPERATION: TemplateOperationView = {
  id: '7b1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
  environment: 'live',
  kind: 'sync',
  state: 'queued',
  wabaId: null,
  name: null,
  language: null,
  result: null,
  error: null,
  attempts: 0,
  createdAt: '2025-01-15T09:50:00.000Z',
  updatedAt: '2025-01-15T09:50:00.000Z',
  startedAt: null,
  finishedAt: null,
};
