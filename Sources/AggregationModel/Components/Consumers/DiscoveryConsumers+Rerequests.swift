import SimCore

/// How often one kubectl invocation with legacy discovery asks for a group-version whose request
/// failed: once per `ServerGroupsAndResources` of its disk-cached client (each lists every
/// group-version and reads the one it has no file for, client-go
/// `discovery/cached/disk/cached_discovery.go:70-82@v0.36.0`; a failed one is never written),
/// and how many of those calls the invocation makes (kubectl 1.23+, `kubectl get`):
///
/// 1. the builder's category expander (`Expand`: cli-runtime `pkg/resource/builder.go:646-658`,
///    `:213-226@v0.36.0`; client-go `restmapper/category_expansion.go:61`);
/// 2. the shortcut expander before the mapper's `KindFor` (`restmapper/shortcut.go:56,101`);
///    the builder first asks for `<resource>.<group>` parsed as resource.version.group, which a
///    target whose group has a dot never matches (apimachinery
///    `pkg/runtime/schema/group_version.go:29-37`, cli-runtime `builder.go:772-787`);
/// 3. the deferred mapper's first use builds its mapper from what discovery returns then
///    (`restmapper/discovery.go:194-209`, `GetAPIGroupResources` `:147-152` keeps the partial
///    result): the target is known if its group-version was answered by then;
/// 4. from 1.25 the shortcut expander's second try after the no-match (`shortcut.go:57-59`),
///    then the same for `<resource>` in `<group>`, and a second try if the target is unknown.
///
/// With an empty disk cache, from 1.23 the mapper is not reset (`discovery.go:225-236`): every
/// cache file was written by this invocation, so `Fresh()` holds (`cached_discovery.go:168`). An
/// unknown target ends with "the server doesn't have a resource type" and no GET
/// (`builder.go:800-813`). `kubectl api-resources` (`resource: none`) makes one call
/// (`ServerPreferredResources`, kubectl `pkg/cmd/apiresources/apiresources.go:180@v0.36.0`,
/// `:157@v0.23.0`, `:141@kubernetes-1.16.0`) after invalidating the cache (`KubectlCacheUse`).
///
/// Before 1.23 (`VersionBehaviour.kubectlSharesDiscoveryClient`) call 1 is the category
/// expander's own disk client, calls 2 and 3 the mapper's, a new one with its own token bucket
/// that reads the files call 1 wrote (`cached_discovery.go:169@v0.22.0`: not its own, so not
/// `Fresh()`). The mapper's first no-match, always for `<resource>.<group>` with a dot in the
/// group, else when the target is unknown at call 3, resets it (`restmapper/discovery.go:225-235
/// @v0.22.0`): `Invalidate` (`cached_discovery.go:253-260`) makes every later read ignore the
/// files it did not write since (`:140`), so call 4 rebuilds the mapper from a full rediscovery
/// (`/api`, `/apis`, every group-version) and the target is known if its group-version answered
/// then; the mapper, now `Fresh()`, is not reset again. client-go's restmapper, shortcut and disk
/// cache are the same from kubernetes-1.16.0 to v0.22.0 but for the deprecated `ServerResources`
/// (kubernetes-1.16.0) in place of `ServerGroupsAndResources`.
///
/// With a fresh disk cache (files an earlier invocation wrote) in every version, calls 1 to 3
/// read its files (the model's fresh cache is complete: no request) and so are not `Fresh()`:
/// a dotted group's first no-match resets the mapper (`KubectlCacheUse.resetsAtFirstNoMatch`;
/// from 1.26 `Invalidate` clears the in-memory client too, `cached_discovery.go:275-276
/// @v0.36.0`), and call 4 is the full rediscovery. After it (`roundsAfterReset`) a dotted group
/// makes call 5, the shortcut expander for `<resource>` in `<group>`; from 1.25 the shortcut
/// expander's retry after the no-match comes first, and a second try when the target is
/// unknown (`shortcut.go:56-59`). From 1.26 call 4 itself asks again after a transient failure
/// (the in-memory client's refresh is the rediscovery), and its mapper is built after that.
/// A group without a dot is reset only when the target is unknown at call 3 (before 1.23 with
/// an empty cache; the model's fresh cache holds the target), with no call 5.
///
/// Which calls send a request: before 1.26 the disk cache's delegate is the plain discovery
/// client, so the first call is the discovery itself and each later one asks again for every
/// group-version that has failed so far; from 1.26 the in-memory client under it fetched every
/// group-version once (the discovery) and each call asks again only for one whose last failure
/// is transient (`VersionBehaviour.kubectlMemCacheUnderDiskCache`). The asks of one call go out
/// together; the calls follow one another. Counts are calls; a round is the asks of one call.
struct KubectlRerequests: Hashable {
  /// When the mapper's first no-match resets it (before 1.23).
  enum Reset: UInt8 {
    /// Never (from 1.23: the mapper's client wrote every file it read).
    case never
    /// Always: `<resource>.<group>` is first asked for as resource.version.group.
    case always
    /// When the target is unknown at call 3 (a group without a dot).
    case ifUnknown
  }

  /// From 1.26: asks again only after a transient failure, and one more round (call 1).
  let memCache: Bool
  /// Calls when the target is known at call 3 (and for `resource: none`); before 1.23, the calls
  /// before the reset.
  let callsIfKnown: Int
  /// Calls when it is not.
  let callsIfUnknown: Int
  /// Whether the invocation maps a target (`kubectl get`): call 3 decides whether it is known.
  let mapsTarget: Bool
  /// With an empty cache: when the mapper is reset after call 3 (before 1.23).
  let reset: Reset
  /// The target's group has a dot: `<resource>.<group>` is first parsed as resource.version.group.
  let dotted: Bool
  /// From 1.25: the shortcut expander tries again after a no-match.
  let shortcutRetries: Bool

  /// The rule of a kubectl client, or nil when its group-versions are asked for once: aggregated
  /// discovery (no group-version requests), or a `kubectl get` without a target.
  init?(_ version: VersionBehaviour, mode: KubectlSpec.DiscoveryMode, resource: KubectlSpec.ResourceRequest, targetGroup: String?) {
    guard mode == .legacy else { return nil }
    memCache = version.kubectlMemCacheUnderDiskCache
    switch resource {
    case .none:
      mapsTarget = false
      callsIfKnown = 1
      callsIfUnknown = 1
      reset = .never
      dotted = false
      shortcutRetries = false
    case .get:
      guard let group = targetGroup else { return nil }
      let dotted = group.contains(".")
      let retry = version.kubectlShortcutRetriesNoMatch
      self.dotted = dotted
      shortcutRetries = retry
      mapsTarget = true
      if version.kubectlSharesDiscoveryClient {
        callsIfKnown = 3 + (dotted ? (retry ? 2 : 1) : 0)
        callsIfUnknown = callsIfKnown + (retry ? 1 : 0)
        reset = .never
      } else {
        callsIfKnown = 3
        callsIfUnknown = 3
        reset = dotted ? .always : .ifUnknown
      }
    }
  }

  /// Whether a group-version that ended so is asked for at the next call.
  func asksAgain(after outcome: Outcome) -> Bool {
    outcome != .ok && (!memCache || outcome.code == 429 || outcome.code >= 500)
  }

  /// The rounds after the discovery (round 0), given whether the target is known at call 3.
  func rounds(targetKnown: Bool) -> Int {
    let calls = targetKnown ? callsIfKnown : callsIfUnknown
    return memCache ? calls : calls - 1
  }

  /// The round at whose end call 3 builds the mapper (nil: no mapping).
  var mapperRound: Int? { mapsTarget ? (memCache ? 3 : 2) : nil }

  /// Whether the mapper built at call 3 is reset (before 1.23), given whether it knows the target.
  func resets(targetKnown: Bool) -> Bool {
    switch reset {
    case .never: false
    case .always: true
    case .ifUnknown: !targetKnown
    }
  }

  /// The rounds after the mapper's rediscovery (its round 0): the calls after call 4 (a dotted
  /// group's call 5, from 1.25 the shortcut expander's retry before it and a second try when the
  /// target is unknown), and from 1.26 call 4's own asks again.
  func roundsAfterReset(targetKnown: Bool) -> Int {
    let retry = shortcutRetries ? 1 : 0
    let calls = (dotted ? 1 + retry : 0) + (targetKnown ? 0 : retry)
    return memCache ? calls + 1 : calls
  }

  /// The round of the rediscovery at whose end the mapper is rebuilt (from 1.26 after call 4's
  /// asks again through the in-memory client).
  var mapperRoundAfterReset: Int { memCache ? 1 : 0 }
}

/// What a kubectl invocation does with a fresh disk cache (written by an earlier invocation).
enum KubectlCacheUse: UInt8 {
  /// Reads it: no discovery (a `kubectl get` of a group without a dot, whose target the cache holds).
  case reads
  /// Reads it, and so its mapper is not `Fresh()` (`cached_discovery.go:168@v0.36.0`,
  /// `:169@v0.22.0`): a `kubectl get <resource>.<group>` with a dot in the group, first parsed as
  /// resource.version.group (cli-runtime `pkg/resource/builder.go:772-785@v0.36.0`,
  /// `:744-757@v0.23.0`), never matches, and the deferred mapper resets the client and discovers
  /// everything again (client-go `restmapper/discovery.go:225-236`), in every version to v0.36.0
  /// and client-go master (kubernetes/kubernetes#96430, #105489). Aggregated discovery too:
  /// `Invalidate` clears the in-memory client under the disk cache (`:275-276@v0.36.0`,
  /// `memory/memcache.go:220-231`), whose refresh asks `/api` and `/apis` again.
  case resetsAtFirstNoMatch
  /// Invalidates it before reading: `kubectl api-resources` without `--cached` ("Always request
  /// fresh data from the server", kubectl `pkg/cmd/apiresources/apiresources.go:174-177@v0.36.0`,
  /// `:151-153@v0.22.0`, `:135-137@kubernetes-1.16.0`): a full discovery at every invocation.
  case invalidates

  /// The use of a kubectl invocation that does `resource` (a GET of a resource of `targetGroup`).
  init(resource: KubectlSpec.ResourceRequest, targetGroup: String?) {
    switch resource {
    case .none: self = .invalidates
    case .get: self = targetGroup?.contains(".") == true ? .resetsAtFirstNoMatch : .reads
    }
  }
}

/// A group-version a kubectl invocation asks for again at its next call (a list per run).
struct PendingAsk {
  /// Its registry index (-1: a local group-version outside the registry).
  var apiService: Int32 = -1
  var next: Int32 = -1
}

extension DiscoveryConsumers {
  /// A group-version request of `run` ended: with a rule, a failure kubectl asks again for joins
  /// the run's list, and the target's answer is noted.
  mutating func groupVersionEnded(_ run: Int32, apiService: Int32, _ outcome: Outcome) {
    guard let rule = clients[Int(runs[run].client)]!.rerequests else { return }
    if apiService == clients[Int(runs[run].client)]!.target, apiService >= 0 { runs[run].targetFailed = outcome != .ok }
    guard rule.asksAgain(after: outcome) else { return }
    runs[run].asks = asks.allocate(PendingAsk(apiService: apiService, next: runs[run].asks))
  }

  /// Every request of the current round is answered: the next round asks again for the failed
  /// group-versions, the mapper's reset rediscovers (before 1.23), or discovery ends (true).
  /// Call 3 (before 1.23 after a reset, call 4) fixes whether the target is known.
  mutating func nextRound(_ run: Int32, _ kernel: inout Kernel, fleet: inout ClientFleet) -> Bool {
    guard let rule = clients[Int(runs[run].client)]!.rerequests else { return true }
    let rediscovered = runs[run].rediscovered
    let known: Bool
    if let mapperRound = rediscovered ? rule.mapperRoundAfterReset : rule.mapperRound, runs[run].round >= mapperRound {
      if runs[run].round == mapperRound { runs[run].mapperLacksTarget = runs[run].targetFailed }
      known = !runs[run].mapperLacksTarget
    } else {
      known = !runs[run].targetFailed
    }
    let rounds = rediscovered ? rule.roundsAfterReset(targetKnown: known) : rule.rounds(targetKnown: known)
    guard runs[run].round < rounds, runs[run].asks >= 0 else {
      releaseAsks(run)
      if !rediscovered, rule.resets(targetKnown: known) {
        rediscover(run, &kernel, fleet: &fleet)
        return false
      }
      if rule.mapsTarget { runs[run].lacksTarget = !known }
      return true
    }
    // Before 1.23 call 2 is the mapper's first: a new disk client with its own token bucket.
    if rule.reset != .never, !rediscovered, runs[run].round == 0 { restartBucket(run, fleet: &fleet, at: kernel.now) }
    // The round's requests are counted before the first is sent, as the discovery's are.
    runs[run].round += 1
    let head = runs[run].asks
    runs[run].asks = -1
    var ask = head
    while ask >= 0 {
      runs[run].pending += 1
      ask = asks[ask].next
    }
    ask = head
    while ask >= 0 {
      let next = asks[ask].next
      let apiService = asks[ask].apiService
      asks.release(ask)
      send(run, apiService: apiService, local: apiService < 0, &kernel, fleet: &fleet)
      ask = next
    }
    return false
  }

  /// The mapper's reset (before 1.23 with an empty cache; in every version with a fresh one and a
  /// dotted group, `KubectlCacheUse`): its client ignores every file it did not write since, so
  /// it discovers everything again (`/api` first), through the mapper's bucket (before 1.23 a new
  /// one if the mapper has sent nothing yet; at an invocation's start it is the run's, full).
  mutating func rediscover(_ run: Int32, _ kernel: inout Kernel, fleet: inout ClientFleet) {
    if runs[run].round == 0 { restartBucket(run, fleet: &fleet, at: kernel.now) }
    runs[run].rediscovered = true
    runs[run].round = 0
    runs[run].step = .api
    send(run, apiService: -1, local: true, &kernel, fleet: &fleet)
  }

  private func restartBucket(_ run: Int32, fleet: inout ClientFleet, at now: SimTime) {
    guard runs[run].hasBucket, let limit = clients[Int(runs[run].client)]!.invocationRateLimit else { return }
    fleet.startRunBucket(run, limit: limit, at: now)
  }

  private mutating func releaseAsks(_ run: Int32) {
    while runs[run].asks >= 0 {
      let ask = runs[run].asks
      runs[run].asks = asks[ask].next
      asks.release(ask)
    }
  }
}
