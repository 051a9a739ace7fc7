// Model discovery with a cache: every configured provider's model list (Gemini models.list, Anthropic
// and xAI /v1/models), refreshed periodically (default hourly) and after a model-not-found, turned into
// the fallback chain of each role. One list call at a time per provider and process.
import { resolveChain, type CatalogModel, type ProviderCatalog, type ResolvedChain } from '../../core/model/chain';
import type { StructuredRequest } from '../../core/model/request';
import { PROVIDER_KEY_VARS, PROVIDER_NAMES, type ModelRef, type ProviderName } from '../../core/model/providers';
import type { ProviderReport } from '../../core/contract';
import { ProviderError, type ModelProvider } from './provider';

export type ModelRole = StructuredRequest['purpose'];
export const MODEL_ROLES: readonly ModelRole[] = ['evaluate', 'remediate'];

/** Used for a provider that cannot be listed and was never listed before. */
export const CHAIN_WHEN_UNLISTABLE: Record<ProviderName, string[]> = {
  gemini: ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-2.5-flash-lite'],
  anthropic: ['claude-haiku-4-5', 'claude-sonnet-4-6'],
  xai: ['grok-4-fast-non-reasoning', 'grok-4'],
  'openai-compatible': [],
};

/** What the catalog resolved: the default chain, each role's, and how listing each provider went. */
export interface CatalogReport {
  chain: ResolvedChain;
  roles: Record<ModelRole, ResolvedChain>;
  providers: ProviderReport[];
}

export interface ModelCatalogOptions {
  refreshMs: number;
  listTimeoutMs: number;
  /** HEALER_FALLBACK_MODELS, parsed. */
  override: ModelRef[];
  /** A role's own list, when it has one. */
  roleOverrides?: Partial<Record<ModelRole, ModelRef[]>>;
  /** Models a provider should contribute instead of its whole list (OPENAI_COMPATIBLE_MODELS). */
  preferred?: Partial<Record<ProviderName, string[]>>;
  /** Base URLs, for the report (never keys). */
  baseUrls?: Partial<Record<ProviderName, string>>;
  now: () => number;
  /** Called when what was resolved changes (reported to the modelHealth workflow for /health/api). */
  onChange?: (report: CatalogReport) => void;
}

interface Listing {
  provider: ModelProvider;
  catalog: ProviderCatalog;
  listedAtMs: number;
  stale: boolean;
  listError?: string;
  inFlight?: Promise<void>;
}

export class ModelCatalog {
  private readonly listings: Listing[];
  private last?: string;

  /** `providers` in chain order. */
  constructor(
    providers: ModelProvider[],
    private readonly options: ModelCatalogOptions,
  ) {
    this.listings = providers.map((provider) => ({
      provider,
      catalog: {
        provider: provider.name,
        fallback: options.preferred?.[provider.name] ?? CHAIN_WHEN_UNLISTABLE[provider.name],
        preferred: options.preferred?.[provider.name],
      },
      listedAtMs: 0,
      stale: true,
    }));
  }

  provider(name: ProviderName): ModelProvider | undefined {
    return this.listings.find((listing) => listing.provider.name === name)?.provider;
  }

  /** What a provider listed at the last discovery (undefined before, or when it cannot be listed). */
  async models(name: ProviderName): Promise<CatalogModel[] | undefined> {
    await this.report();
    return this.listings.find((listing) => listing.provider.name === name)?.catalog.models;
  }

  /** The chain for a role (its own list, else HEALER_FALLBACK_MODELS, else discovered). */
  async chain(role: ModelRole = 'evaluate'): Promise<ResolvedChain> {
    return (await this.report()).roles[role];
  }

  async report(): Promise<CatalogReport> {
    await Promise.all(
      this.listings
        .filter((l) => l.stale || this.options.now() - l.listedAtMs >= this.options.refreshMs)
        .map((l) => this.refresh(l)),
    );
    const catalogs = this.listings.map((l) => l.catalog);
    const chain = resolveChain(catalogs, this.options.override);
    const roles = Object.fromEntries(
      MODEL_ROLES.map((role) => {
        const own = this.options.roleOverrides?.[role];
        return [role, own?.length ? resolveChain(catalogs, own) : chain];
      }),
    ) as Record<ModelRole, ResolvedChain>;
    const report: CatalogReport = {
      chain,
      roles,
      providers: this.listings.map((l) => ({
        name: l.provider.name,
        keyVar: PROVIDER_KEY_VARS[l.provider.name],
        ...(this.options.baseUrls?.[l.provider.name] ? { baseUrl: this.options.baseUrls[l.provider.name] } : {}),
        ...(l.catalog.models ? { listed: l.catalog.models.length } : {}),
        ...(l.listError ? { listError: l.listError } : {}),
      })),
    };
    const key = JSON.stringify(report);
    if (key !== this.last) {
      this.last = key;
      this.options.onChange?.(report);
    }
    return report;
  }

  /** A model was not found: list its provider (or every provider) again before the next chain is built. */
  invalidate(provider?: ProviderName): void {
    for (const listing of this.listings) if (!provider || listing.provider.name === provider) listing.stale = true;
  }

  private refresh(listing: Listing): Promise<void> {
    listing.inFlight ??= listing.provider
      .listModels(this.options.listTimeoutMs)
      .then((models) => {
        listing.catalog = { ...listing.catalog, models };
        listing.listedAtMs = this.options.now();
        listing.stale = false;
        listing.listError = undefined;
      })
      .catch((error: unknown) => {
        listing.listError =
          error instanceof ProviderError
            ? `${error.errorClass}${error.status ? ` (HTTP ${error.status})` : ''}`
            : 'network';
        // Keep the previous list, if any, and list again in a minute (5 s while nothing was ever listed)
        // rather than on every call.
        const retryInMs = Math.min(listing.catalog.models ? 60_000 : 5_000, this.options.refreshMs);
        listing.stale = false;
        listing.listedAtMs = this.options.now() - this.options.refreshMs + retryInMs;
      })
      .finally(() => {
        listing.inFlight = undefined;
      });
    return listing.inFlight;
  }
}

/** Providers in chain order: HEALER_PROVIDERS when set, else every configured one in PROVIDER_NAMES order. */
export function orderProviders(configured: ProviderName[], order: ProviderName[]): ProviderName[] {
  const wanted = order.length ? order : PROVIDER_NAMES;
  return wanted.filter((name) => configured.includes(name));
}
