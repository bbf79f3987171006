/**
 * What the lab needs of `lameduck load` (packages/cli/src/load): the lab receives `runLoad` by
 * injection, so the scenario runner can be driven by any implementation of this signature. The one
 * place the lab imports the load checker's types.
 */
import type { FailureClass, LoadOptions, LoadResult, RequestRecord } from '../../load/index.js';

export type { FailureClass, LoadOptions, LoadResult, RequestRecord as LoadRequestRecord };

export type RunLoad = (options: LoadOptions) => Promise<LoadResult>;
