/// A Kubernetes release as written in a scenario's `kubernetesVersion:`: a minor release
/// (`1.28`, `v1.28`) or a patch release (`1.28.3`, `v1.28.3`). A minor alone means its newest
/// patch release, with every backport in: clusters run patched releases, and the behaviours that
/// were backported (the HTTP/2 stream cap, the wide discovery fallback, LIST seats in 1.23.6,
/// the HTTP/2 health check) are then the ones a platform team meets. `1.28.0` asks for the first.
///
/// Only the releases whose behaviours aggsim models are accepted (`modelled`): from 1.16, the
/// first with the 5 s discovery cap and `apiextensions.k8s.io/v1`, to `latest`.
public struct KubernetesVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var major: Int
  public var minor: Int
  /// The patch release; nil for the minor's newest (after every patch number).
  public var patch: Int?

  public init(major: Int, minor: Int, patch: Int? = nil) {
    self.major = major
    self.minor = minor
    self.patch = patch
  }

  /// The newest release whose behaviour aggsim models (research: code read at 1.37 development).
  public static let latest = KubernetesVersion(major: 1, minor: 36)
  /// The oldest release aggsim models: 1.16 (the 5 s discovery cap, kubernetes/kubernetes#82146;
  /// older releases differ in ways not modelled, such as a single availability probe before 1.15).
  public static let oldest = KubernetesVersion(major: 1, minor: 16)
  /// The minor releases aggsim models.
  public static let modelledMinors = oldest.minor...latest.minor

  /// Why a version string could not be read.
  public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public var found: String
    public var description: String {
      "expected a Kubernetes release from \(KubernetesVersion.oldest) to \(KubernetesVersion.latest), such as 1.35 or "
        + "v1.28.3, found \"\(found)\""
    }
  }

  /// Reads `1.35`, `v1.35`, `1.28.3` or `v1.28.3`, in the modelled range.
  public init(parsing text: String) throws(ParseError) {
    var body = Substring(text)
    if body.first == "v" { body = body.dropFirst() }
    let parts = body.split(separator: ".", omittingEmptySubsequences: false)
    guard (2...3).contains(parts.count),
          parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) && $0.count <= 4 }),
          let major = Int(parts[0]), let minor = Int(parts[1]), major == 1, Self.modelledMinors.contains(minor)
    else { throw ParseError(found: text) }
    self.init(major: major, minor: minor, patch: parts.count == 3 ? Int(parts[2]) : nil)
  }

  /// Release order; a minor alone (its newest patch) comes after each of its patch releases.
  public static func < (a: Self, b: Self) -> Bool {
    (a.major, a.minor, a.patch ?? .max) < (b.major, b.minor, b.patch ?? .max)
  }

  public var description: String { patch.map { "\(major).\(minor).\($0)" } ?? "\(major).\(minor)" }
}

/// A change of Kubernetes: the release that brought it, and the patch releases of older minors
/// it was backported to (each holds it from that patch on, within its minor).
public struct KubernetesChange: Hashable, Sendable {
  /// The first release with the change.
  public let since: KubernetesVersion
  /// The first patch release of each older minor that got the change.
  public let backports: [KubernetesVersion]

  public init(since: KubernetesVersion, backports: [KubernetesVersion] = []) {
    precondition(backports.allSatisfy { $0.patch != nil && $0.minor < since.minor }, "a backport names a patch of an older minor")
    self.since = since
    self.backports = backports
  }

  /// From `1.minor.0` on (`patch` given: from that patch), with `backports` as `1.minor.patch` pairs.
  public init(_ minor: Int, patch: Int? = nil, backports: [(minor: Int, patch: Int)] = []) {
    self.init(since: KubernetesVersion(major: 1, minor: minor, patch: patch ?? 0),
              backports: backports.map { KubernetesVersion(major: 1, minor: $0.minor, patch: $0.patch) })
  }

  /// Whether `version` has the change.
  public func isIn(_ version: KubernetesVersion) -> Bool {
    version >= since || backports.contains { $0.major == version.major && $0.minor == version.minor && version >= $0 }
  }
}

/// The behaviours of the aggregation layer that differ between Kubernetes releases and are not
/// parameters of a scenario (switches of the code path), each with the release that changed it
/// (research kube-aggregator.md §10 and the sections cited per property). A scenario selects
/// them with `kubernetesVersion:`, so one timeout policy can be compared across releases. The
/// parameters whose default changed (discovery cap, discovery mode, kubectl's cache TTL and
/// burst, HTTP/2 streams) are declared in `VersionDefaults` and resolved into the spec.
public struct VersionBehaviour: Hashable, Sendable {
  public let version: KubernetesVersion

  public init(_ version: KubernetesVersion) { self.version = version }

  /// A failed aggregated-discovery fetch is retried with its own backoff (500 ms doubling to
  /// 60 s) from 1.36 (kubernetes/kubernetes#137634); in 1.26–1.35 it waited for the global
  /// 1-minute loop. Research §3.2.
  public var discoveryRetriesWithBackoff: Bool { KubernetesChange(36).isIn(version) }

  /// The discovery manager falls back to legacy discovery (`GET /apis/<group>/<version>`, converted
  /// to aggregated form for that one group-version) on every answer to its `GET /apis` except
  /// 304, 503 (which includes its 5 s timeout and `service unavailable`) and a 200 with the
  /// aggregated content type: from 1.29 (kubernetes/kubernetes#119870, "Fallback to legacy
  /// discovery on a wider range of conditions", kube-aggregator 5650a3a9, fixing #119662;
  /// research §3.2, §9 item 5). Before, only on 406.
  ///
  /// Sources: `staging/src/k8s.io/kube-aggregator/pkg/apiserver/handler_discovery.go` of
  /// kubernetes/kubernetes at 9935d029 (Accept `v2beta1` only, before #119870) switches on the
  /// status code alone: 304 keep, 406 fallback, 200 decode, anything else (404, 429, 500, 503 …)
  /// an error, so Stale. A post-fix copy (1.30-era, Accept `v2,v2beta1`; its repository was not
  /// identified, and it agrees with research §3.2, read at kube-aggregator 232ca687) switches on
  /// 304 keep; 503 → error; 200 with the v2 or v2beta1 content type → decode; default →
  /// fallback. In the review of #119870 liggitt noted that the in-memory writer cannot tell a
  /// transport error from a status and that the TimeoutHandler writes 503, and proposed not
  /// falling back on it. #119662's backend answered 404 (googleforgames/agones#3172: `Failed to
  /// download discovery for agones-system/agones-controller-service:443: 404 404 page not found`;
  /// Agones' `pkg/util/apiserver/apiserver.go` registers no `/apis` handler on its mux).
  ///
  /// Not confirmed: what the pre-1.29 200 branch made of a plain `APIGroupList` (a server that
  /// ignores Accept). It decodes with client-go's scheme, which (as read at a later commit)
  /// registers no `apidiscovery.k8s.io` type; the JSON decoder then unmarshals into the struct
  /// without error, so the list is empty and the group-version is published Current with no
  /// resources. aggsim models that (Current); the release note of the backports (#120359,
  /// #120360) only says such servers' discovery was not fetched successfully.
  ///
  /// Backported to release-1.28 (#120359) and release-1.27 (#120360): in 1.28.2 and 1.27.6
  /// (fidelity-audit §1 item 10, §5).
  public var wideLegacyDiscoveryFallback: Bool { KubernetesChange(29, backports: [(27, 6), (28, 2)]).isIn(version) }

  /// The registration controller's first `AddAPIService` of an APIService (its initial sync
  /// after a start, before the `apiservice-registration-controller` post-start hook returns and
  /// `/readyz` passes) downloads the APIService's OpenAPI v2 spec synchronously: in 1.28.0–1.28.2
  /// (kubernetes/kubernetes#120739). The lazy v2 aggregator of 1.28.0 (kube-aggregator cbbfe2dd,
  /// first in kubernetes-1.28.0) made `specAggregator.AddUpdateAPIService` end with
  /// `updateServiceLocked`, a download through the proxy handler under the 60 s
  /// `specDownloadTimeout` (v0.28.2 `pkg/controllers/openapi/aggregator/aggregator.go:54, :189-231`,
  /// `downloader.go:95`); the initial sync calls `AddAPIService` for every APIService in turn
  /// (`apiservice_controller.go:104-124`) before `close(handlerSyncedCh)`. Fixed by "Fix 120739 -
  /// Prevent AddUpdateAPIService from blocking on updating spec" (72e5a38f, first in 1.29.0;
  /// backport 6e426b08 in 1.28.3): the first add only registers the spec, the v2 controller
  /// downloads it 1 s later. 1.27 merged without downloading (v0.27.6 `aggregator.go:307-325`).
  public var firstRegistrationDownloadsOpenAPI: Bool {
    KubernetesChange(28).isIn(version) && !KubernetesChange(29, backports: [(28, 3)]).isIn(version)
  }

  /// The registration controller's `UpdateAPIService` of a proxy handler it already has (a status
  /// change, an informer resync) downloads the APIService's OpenAPI v2 spec synchronously under
  /// the v2 aggregator's mutex from 1.28.0, with the lazy aggregator (kube-aggregator cbbfe2dd:
  /// v0.28.0 `pkg/controllers/openapi/aggregator/aggregator.go:213-230` ends with
  /// `updateServiceLocked`; from v0.29.0 through `UpdateAPIServiceSpec`, fidelity audit §7).
  /// Before, `AddUpdateAPIService` only merged the spec it already had under the mutex
  /// (v0.27.6 `aggregator.go:307-325`, `tryUpdatingServiceSpecs`), and the v2 controller
  /// downloaded outside it (`pkg/controllers/openapi/controller.go:138-156`); the requeue of an
  /// APIService whose download had failed is the same (`controller.go:170-186`).
  public var registrationUpdateDownloadsOpenAPI: Bool { KubernetesChange(28).isIn(version) }

  /// The aggregated discovery document lists a service-backed group-version only once the
  /// discovery manager's first sync of it has ended; from 1.30 the manager's start-up pass syncs
  /// every APIService the registration controller's initial sync added (each in its own
  /// goroutine, `wg.Wait()`), publishing it Current or Stale, before the
  /// `apiservice-discovery-controller` post-start hook returns, so `/readyz` waits for it
  /// (kubernetes/kubernetes#115303, fixed by #122883: kube-aggregator v0.30.0
  /// `pkg/apiserver/handler_discovery.go:446-473`, `pkg/apiserver/apiserver.go:354-378`; not in
  /// v0.29.15). Before, `Run` only starts the workers and `/readyz` does not wait: a
  /// group-version is missing from the document (`syncAPIService` calls `AddGroupVersion` after
  /// its fetch, v0.29.0 `handler_discovery.go:353-406`; `AddAPIService` :464-480 only marks it
  /// dirty) until its first sync ends.
  public var discoveryStartupPassBeforeReady: Bool { KubernetesChange(30).isIn(version) }

  /// The availability probes go through the proxy's transport (the same client-go cached
  /// transport, so the same HTTP/2 connections and kube-proxy pod choice) from 1.36: the probe's
  /// `transport.Config` comes from `BuildTransportConfig`, which the proxy handler uses too
  /// (kube-aggregator d48ae0ce, first in kubernetes-1.36.0, not backported:
  /// `pkg/controllers/status/remote/remote_available_controller.go:161-177, :275-276` and
  /// `pkg/apiserver/handler_proxy.go:223, :237` at 1.36.0). Before, the probe built its own
  /// config with `Insecure: true` and no server name or CA (1.35.6
  /// `remote_available_controller.go:175-192`; 1.16.0 `available_controller.go:111-123`, once), a
  /// different key of client-go's TLS transport cache, so a transport, connections and pod
  /// choice of its own (fidelity audit §4).
  public var probesShareProxyTransport: Bool { KubernetesChange(36).isIn(version) }

  /// APF fair queuing keeps a queue's next dispatch `R` at or after the arrival `R` of its oldest
  /// waiting request (the anti-windup bound, queueset.go `boundNextDispatchLocked`), from 1.23
  /// (first in apiserver v0.23.0; absent from v0.22.0's queueset.go). Fidelity audit §2.4.
  public var fairQueuingAntiWindup: Bool { KubernetesChange(23).isIn(version) }

  /// APF fair queuing scans a flow's hand for the queue to join from the card `enqueues % handSize`,
  /// `enqueues` counting every request shuffle-sharded at the level, and takes the least waiting
  /// work (`TotalWorkSum`, seat-seconds), the first scanned on a tie: from 1.23 (queueset.go
  /// `shuffleShardLocked`, first in apiserver v0.23.0, HEAD :583-611). Before, in dealing order
  /// (`chooseQueueIndexLocked`: the fewest waiting requests in v0.20.0–v0.21.0, the fewest waiting
  /// seats in v0.22.0). Fidelity audit §2.5.
  public var fairQueuingRotatingQueueChoice: Bool { KubernetesChange(23).isIn(version) }

  /// APF seats of a LIST of an aggregated resource (fidelity audit §2.2; kubernetes/kubernetes#109106):
  /// - before 1.23, 1: `DefaultWidthEstimator` gives every request 1 seat (apiserver v0.22.0
  ///   pkg/util/flowcontrol/request/width.go);
  /// - 1.23.0–1.23.5, 10: the LIST estimator finds no object count for a resource another server
  ///   stores (`ObjectCountNotFoundErr`) and returns the global `maximumSeats` = 10 (v0.23.0–v0.23.5
  ///   request/list_work_estimator.go, width.go `maximumSeats = 10`);
  /// - from 1.24.0 and 1.23.6, 1: that case returns `minimumSeats` ("Fix the overestimated cost of
  ///   delegated API requests in P&F", b6f111be in v0.24.0, cherry-pick f4cdcd61 in v0.23.6).
  public var aggregatedListSeats: Int { KubernetesChange(23).isIn(version) && !KubernetesChange(24, backports: [(23, 6)]).isIn(version) ? 10 : 1 }

  /// A request's seats are clamped to its priority level's max seats (`MaxSeatsTracker`:
  /// `max(1, min(ceil(0.15 × nominalCL), nominalCL / handSize))`, set for queuing levels only),
  /// from 1.28 (apiserver v0.28.0 apf_controller.go `priorityLevelMaxSeatsPercent`,
  /// list_work_estimator.go `maxSeatsFn`). Before, only the estimators' global cap of 10 seats
  /// applied. Fidelity audit §2.2.
  public var perLevelMaxSeats: Bool { KubernetesChange(28).isIn(version) }
}
