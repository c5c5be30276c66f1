/** The environments a pipeline knows, with their default branch and whether they need an approval. */
export const ENVIRONMENTS: { readonly [name: string]: { readonly branch: string; readonly approval: boolean } } = {
  DEV: { branch: 'dev', approval: false },
  UAT: { branch: 'uat', approval: false },
  PROD: { branch: 'main', approval: true },
};
/** The environment that needs an approval, or a reason why not. */
export const PRODUCTION = 'PROD';
/** The resolved settings of the image build. */
export interface ResolvedImageBuild {
  readonly directory: string;
  readonly dockerfile: string;
  readonly repositoryName: string;
  readonly maxImageCount: number;
  /** Run before `docker build`, from the repository root; empty when the directory is built as it is. */
  readonly buildCommands: string[];
}
