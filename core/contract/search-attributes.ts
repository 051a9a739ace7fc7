// Search attributes every Healer workflow carries, so a person can find it in the Temporal UI.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const searchAttributes = {
  playId: defineSearchAttributeKey('HealerPlayId', SearchAttributeType.KEYWORD),
  repository: defineSearchAttributeKey('HealerRepository', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('HealerStatus', SearchAttributeType.KEYWORD),
  alertCodes: defineSearchAttributeKey('HealerAlertCodes', SearchAttributeType.KEYWORD_LIST),
  severity: defineSearchAttributeKey('HealerSeverity', SearchAttributeType.KEYWORD),
  incidentCount: defineSearchAttributeKey('HealerIncidentCount', SearchAttributeType.INT),
} as const;

/** Name → type, as the dev-server bootstrap registers them (`--search-attribute Name=Type`). */
export const SEARCH_ATTRIBUTE_TYPES: Record<string, 'Keyword' | 'KeywordList' | 'Int'> = {
  HealerPlayId: 'Keyword',
  HealerRepository: 'Keyword',
  HealerStatus: 'Keyword',
  HealerAlertCodes: 'KeywordList',
  HealerSeverity: 'Keyword',
  HealerIncidentCount: 'Int',
};
