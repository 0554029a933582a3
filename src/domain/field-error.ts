/** A problem with one value of a document, addressed by JSON pointer (RFC 6901), e.g. `/agents/3/gp`. */
export interface FieldError {
  pointer: string;
  message: string;
}
