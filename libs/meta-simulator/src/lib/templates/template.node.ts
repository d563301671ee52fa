import type { TemplateRecord } from '../state/simulator-state';

export const TEMPLATE_DEFAULT_FIELDS = ['name', 'parameter_format', 'components', 'language', 'status', 'category'] as const;

/** A template as Graph lists it (node type WhatsAppMessageTemplate). */
export function templateNode(template: TemplateRecord): Record<string, unknown> {
  return {
    id: template.id,
    name: template.name,
    parameter_format: template.parameterFormat,
    components: template.components,
    language: template.language,
    status: template.status,
    category: template.category,
    quality_score: { score: template.qualityScore, date: 0 },
    rejected_reason: template.rejectedReason,
    sub_category: null,
    previous_category: null,
  };
}
