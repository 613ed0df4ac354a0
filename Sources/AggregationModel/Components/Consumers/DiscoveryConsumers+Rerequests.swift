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
/// The mapper is not reset (`discovery.go:225-236`): every cache file was written by this
/// invocation, so `Fresh()` holds (`cached_discovery.go:168`). An unknown target ends with "the
/// server doesn't have a resource type" and no GET (`builder.go:800-813`). `kubectl
/// api-resources` (`resource: none`) makes one call (`ServerPreferredResources`, kubectl
/// `pkg/cmd/apiresources/apiresources.go:180@v0.36.0`, `:157@v0.23.0`).
///
/// Which calls send a request: before 1.26 the disk cache's delegate is the plain discovery
/// client, so the first call is the discovery itself and each later one asks again for every
/// group-version that has failed so far; from 1.26 the in-memory client under it fetched every
/// group-version once (the discovery) and each call asks again only for one whose last failure
/// is transient (`VersionBehaviour.kubectlMemCacheUnderDiskCache`). The asks of one call go out
/// together; the calls follow one another. Counts are calls; a round is the asks of one call.
struct KubectlRerequests: Hashable {
  /// From 1.26: asks again only after a transient failure, and one more round (call 1).
  let memCache: Bool
  /// Calls when the target is known at call 3 (and for `resource: none`).
  let callsIfKnown: Int
  /// Calls when it is not.
  let callsIfUnknown: Int
  /// Whether the invocation maps a target (`kubectl get`): call 3 decides whether it is known.
  let mapsTarget: Bool

  /// The rule of a kubectl client, or nil when its group-versions are asked for once: aggregated
  /// discovery (no group-version requests), or a `kubectl get` before 1.23 or without a target.
  init?(_ version: VersionBehaviour, mode: KubectlSpec.DiscoveryMode, resource: KubectlSpec.ResourceRequest, targetGroup: String?) {
    guard mode == .legacy else { return nil }
    memCache = version.kubectlMemCacheUnderDiskCache
    switch resource {
    case .none:
      mapsTarget = false
      callsIfKnown = 1
      callsIfUnknown = 1
    case .get:
      guard let group = targetGroup, version.kubectlSharesDiscoveryClient else { return nil }
      let retry = version.kubectlShortcutRetriesNoMatch
      mapsTarget = true
      callsIfKnown = 3 + (group.contains(".") ? (retry ? 2 : 1) : 0)
      callsIfUnknown = callsIfKnown + (retry ? 1 : 0)
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
  /// group-versions, or discovery ends (true). Call 3 fixes whether the target is known.
  mutating func nextRound(_ run: Int32, _ kernel: inout Kernel, fleet: inout ClientFleet) -> Bool {
    guard let rule = clients[Int(runs[run].client)]!.rerequests else { return true }
    let known: Bool
    if let mapperRound = rule.mapperRound, runs[run].round >= mapperRound {
      if runs[run].round == mapperRound { runs[run].mapperLacksTarget = runs[run].targetFailed }
      known = !runs[run].mapperLacksTarget
    } else {
      known = !runs[run].targetFailed
    }
    guard runs[run].round < rule.rounds(targetKnown: known), runs[run].asks >= 0 else {
      while runs[run].asks >= 0 {
        let ask = runs[run].asks
        runs[run].asks = asks[ask].next
        asks.release(ask)
      }
      if rule.mapsTarget { runs[run].lacksTarget = !known }
      return true
    }
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
}
