/// A Kubernetes minor release, e.g. 1.35, as written in a scenario's `kubernetesVersion:`
/// (`1.35`, `v1.35` or `v1.35.2`; the patch level is accepted and ignored, because the
/// behaviours aggsim models change only between minor releases; patch backports are not tracked).
public struct KubernetesVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var major: Int
  public var minor: Int

  public init(major: Int, minor: Int) {
    self.major = major
    self.minor = minor
  }

  /// The newest release whose behaviour aggsim models (research: code read at 1.37 development).
  public static let latest = KubernetesVersion(major: 1, minor: 36)

  /// Why a version string could not be read.
  public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public var found: String
    public var description: String { "expected a Kubernetes version such as 1.35 or v1.35.2, found \"\(found)\"" }
  }

  /// Reads `1.35`, `v1.35` or `v1.35.2`.
  public init(parsing text: String) throws(ParseError) {
    var body = Substring(text)
    if body.first == "v" { body = body.dropFirst() }
    let parts = body.split(separator: ".", omittingEmptySubsequences: false)
    guard (2...3).contains(parts.count),
          parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) && $0.count <= 4 }),
          let major = Int(parts[0]), let minor = Int(parts[1]), major == 1
    else { throw ParseError(found: text) }
    self.init(major: major, minor: minor)
  }

  public static func < (a: Self, b: Self) -> Bool { (a.major, a.minor) < (b.major, b.minor) }

  public var description: String { "\(major).\(minor)" }
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
  public var discoveryRetriesWithBackoff: Bool { version >= .init(major: 1, minor: 36) }

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
  /// Backported to release-1.28 (#120359, in 1.28.2 per a comment on #119662) and release-1.27
  /// (#120360, patch release not confirmed); patch releases are not modelled, so 1.27 and 1.28
  /// have the narrow fallback here.
  public var wideLegacyDiscoveryFallback: Bool { version >= .init(major: 1, minor: 29) }

  /// APF seats of a LIST of an aggregated resource: 1 from 1.24 (kubernetes/kubernetes#109106);
  /// before, the priority level's maximum seats per request. Research §6.
  public var aggregatedListTakesOneSeat: Bool { version >= .init(major: 1, minor: 24) }
}
