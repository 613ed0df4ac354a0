/// How kubectl's discovery clients, which changed between releases, ask again for a group-version
/// whose legacy discovery request failed within one invocation (`KubectlRerequests`).
extension VersionBehaviour {
  /// kubectl's disk cache wraps client-go's in-memory client (`memCacheClient`) instead of the
  /// plain discovery client: client-go `discovery/cached/disk/cached_discovery.go:313@v0.26.0`
  /// (`newCachedDiscoveryClient(memory.NewMemCacheClient(discoveryClient), …)`; `:300@v0.25.0`
  /// wraps the plain client), commit 25d5761bf "Aggregated discovery client", first in
  /// kubernetes-1.26.0. The in-memory client fetches every group-version once at its first use
  /// (`memcache.go:269-297@v0.36.0` `refreshLocked`) and then asks again only for one whose
  /// cached error is transient (`:113-126`, `isTransientError` `:87-97`: a status ≥ 500, 429, or
  /// a refused or reset connection; a client-side timeout only from 1.37, client-go master).
  /// Before, each read of a group-version the disk cache has no file for is a live request.
  public var kubectlMemCacheUnderDiskCache: Bool { KubernetesChange(26).isIn(version) }

  /// kubectl's shortcut expander asks its REST mapper a second time after a no-match, expanding
  /// the shortcut again (one more `ServerGroupsAndResources`): client-go
  /// `restmapper/shortcut.go:56-59@v0.36.0`, commit e2598a43a "restmapper: re-try shortcut
  /// expander after not-found error", first in kubernetes-1.25.0 (`:45-47@v0.23.0`: one call).
  public var kubectlShortcutRetriesNoMatch: Bool { KubernetesChange(25).isIn(version) }

  /// kubectl keeps one disk-cached discovery client and one REST mapper for the whole invocation
  /// (the category expander, the shortcut expander and the deferred mapper share them):
  /// cli-runtime `pkg/genericclioptions/config_flags.go:254@v0.23.0` `toPersistentDiscoveryClient`
  /// (commit 5d72edb "Cache rest mapper and discovery client", first in kubernetes-1.23.0), used
  /// because kubectl builds `NewConfigFlags(true)` (kubectl `pkg/cmd/cmd.go:297@v0.23.0`). Before
  /// (1.16-1.22), every `ToDiscoveryClient` builds a new disk client with its own token bucket
  /// (cli-runtime `config_flags.go:232-254@v0.22.0`, `:216-236@kubernetes-1.16.0`; client-go
  /// `rest/config.go:390-401@v0.22.0`): the builder's category expander has one, its REST mapper
  /// and shortcut expander another (`ToRESTMapper`, `:257-266`; cached per builder,
  /// `pkg/resource/builder.go:204-218`). The mapper's client reads the files the first one wrote,
  /// not its own, so it is not `Fresh()` and its first no-match invalidates the cache and
  /// discovers everything again (`KubectlRerequests.reset`).
  public var kubectlSharesDiscoveryClient: Bool { KubernetesChange(23).isIn(version) }
}
