/** RFC 9457 problem details, the body of every error answer. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** For validation failures: which fields failed and why. */
  errors?: { path: string; message: string }[];
}
