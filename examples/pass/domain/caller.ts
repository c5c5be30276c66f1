/** Who is acting: read from the identity provider's claims by the handlers, never from a body. */
export interface Caller {
  readonly sub: string;
  readonly name: string;
  readonly groups: string[];
}
