import type { FieldError } from './problem.js';

/** The parts of an Ajv error we use. */
export interface ValidationIssue {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Turns Ajv issues into pointers that name the exact field, including missing and unknown ones. */
export function fieldErrors(issues: ValidationIssue[], context: string): FieldError[] {
  const prefix = context === 'body' ? '' : `/${context}`;
  return issues.map((issue) => {
    let pointer = `${prefix}${issue.instancePath}`;
    let message = issue.message ?? 'is invalid';
    if (issue.keyword === 'required' && typeof issue.params.missingProperty === 'string') {
      pointer += `/${escapePointer(issue.params.missingProperty)}`;
      message = 'is required';
    } else if (issue.keyword === 'additionalProperties' && typeof issue.params.additionalProperty === 'string') {
      pointer += `/${escapePointer(issue.params.additionalProperty)}`;
      message = 'is not an accepted field';
    }
    return { pointer: pointer || '/', message };
  });
}

