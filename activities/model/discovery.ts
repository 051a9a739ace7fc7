// Model discovery with a cache: the provider's model list, refreshed periodically (default hourly) and
// after a model-not-found, turned into the fallback chain. One list call at a time per process.
import { resolveChain, type CatalogModel, type ResolvedChain } from '../../core/model/chain';
import type { ModelProvider } from './provider';

/** Used only when the provider cannot be listed and nothing was listed before. */
export const CHAIN_WHEN_UNLISTABLE = ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-2.5-flash-lite'];

export interface ModelCatalogOptions {
  refreshMs: number;
  listTimeoutMs: number;
  /** HEALER_FALLBACK_MODELS, parsed. */
  override: string[];
  now: () => number;
  /** Called when the resolved chain changes (reported to the modelHealth workflow for /health/api). */
  onChange?: (chain: ResolvedChain) => void;
}

export class ModelCatalog {
  private models?: CatalogModel[];
  private listedAtMs = 0;
  private stale = true;
  private inFlight?: Promise<void>;
  private last?: string;

  constructor(
    private readonly provider: ModelProvider,
    private readonly options: ModelCatalogOptions,
  ) {}

  async chain(): Promise<ResolvedChain> {
    if (this.stale || this.options.now() - this.listedAtMs >= this.options.refreshMs) await this.refresh();
    const resolved = this.models
      ? resolveChain(this.models, this.options.override)
      : {
          chain: this.options.override.length ? this.options.override : CHAIN_WHEN_UNLISTABLE,
          missing: [],
          source: 'override' as const,
        };
    const key = JSON.stringify(resolved);
    if (key !== this.last) {
      this.last = key;
      this.options.onChange?.(resolved);
    }
    return resolved;
  }

  /** A model was not found: list again before the next chain is built. */
  invalidate(): void {
    this.stale = true;
  }

  private refresh(): Promise<void> {
    this.inFlight ??= this.provider
      .listModels(this.options.listTimeoutMs)
      .then((models) => {
        this.models = models;
        this.listedAtMs = this.options.now();
        this.stale = false;
      })
      .catch(() => {
        // Keep the previous list, if any, and try listing again in a minute rather than on every call.
        if (!this.models) return;
        this.stale = false;
        this.listedAtMs = this.options.now() - this.options.refreshMs + Math.min(60_000, this.options.refreshMs);
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}
