import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Search attributes the payment workflow sets, so the Web UI and `payments list` can filter on them. */
export const PAYMENT_STATE_KEY = defineSearchAttributeKey('PaymentState', SearchAttributeType.KEYWORD);
export const STUDENT_ID_KEY = defineSearchAttributeKey('StudentId', SearchAttributeType.KEYWORD);
export const COURSE_ID_KEY = defineSearchAttributeKey('CourseId', SearchAttributeType.KEYWORD);

/** The custom search attributes to register on a namespace, by name and Temporal CLI type. */
export const CUSTOM_SEARCH_ATTRIBUTES = {
  [PAYMENT_STATE_KEY.name]: 'Keyword',
  [STUDENT_ID_KEY.name]: 'Keyword',
  [COURSE_ID_KEY.name]: 'Keyword',
} as const;
