import Testing
import SimCore
@testable import AggregationModel

@Suite("Kubernetes versions and the behaviours they select")
struct KubernetesVersionTests {
  @Test("versions read with or without v and patch level, and order by minor release", arguments: [
    ("1.35", 35), ("v1.36", 36), ("v1.28.3", 28), ("1.9", 9),
  ])
  func parsing(text: String, minor: Int) throws {
    #expect(try KubernetesVersion(parsing: text) == KubernetesVersion(major: 1, minor: minor))
  }

  @Test("a malformed version is refused with what was expected", arguments: ["", "1", "2.0", "1.x", "v1.35.2.1", "1..3", "١.٣٥"])
  func badVersions(text: String) {
    do {
      _ = try KubernetesVersion(parsing: text)
      Issue.record("\(text) was accepted")
    } catch {
      #expect(error.description == "expected a Kubernetes version such as 1.35 or v1.35.2, found \"\(text)\"")
    }
  }

  @Test("each behaviour switch changes at the release the research names")
  func behaviourBoundaries() {
    func at(_ minor: Int) -> VersionBehaviour { VersionBehaviour(KubernetesVersion(major: 1, minor: minor)) }
    #expect(!at(35).discoveryRetriesWithBackoff && at(36).discoveryRetriesWithBackoff)
    #expect(!at(23).aggregatedListTakesOneSeat && at(24).aggregatedListTakesOneSeat)
    #expect(!at(27).wideLegacyDiscoveryFallback && !at(28).wideLegacyDiscoveryFallback && at(29).wideLegacyDiscoveryFallback)
  }

  @Test("each version default changes at the release the research names")
  func versionDefaultBoundaries() {
    func at(_ minor: Int) -> KubernetesVersion { KubernetesVersion(major: 1, minor: minor) }
    let d = VersionDefaults.self
    #expect(d.discoveryTimeout.value(in: at(15)) == .unlimited && d.discoveryTimeout.value(in: at(16)) == .after(.seconds(5)))
    #expect(d.discoveryMode.value(in: at(26)) == .legacy && d.discoveryMode.value(in: at(27)) == .aggregated)
    #expect(d.kubectlCacheTTL.value(in: at(23)) == .minutes(10) && d.kubectlCacheTTL.value(in: at(24)) == .hours(6))
    #expect(d.kubectlDiscoveryRateLimit.value(in: at(22)) == RateLimitSpec(qps: .perSecond(50), burst: 100))
    #expect(d.kubectlDiscoveryRateLimit.value(in: at(23)) == RateLimitSpec(qps: .perSecond(50), burst: 300))
    #expect(d.streamsPerConnection.value(in: at(28)) == 250 && d.streamsPerConnection.value(in: at(29)) == 100)
  }

  @Test("a version default keeps the latest change at or before the version, and the initial value before the first")
  func versionDefaultLookup() {
    let steps = VersionDefault(key: "x", doc: "", source: "", initial: 0,
                               changes: [(KubernetesVersion(major: 1, minor: 10), 1), (KubernetesVersion(major: 1, minor: 20), 2)])
    #expect([9, 10, 19, 20, 36].map { steps.value(in: KubernetesVersion(major: 1, minor: $0)) } == [0, 1, 1, 2, 2])
    var given: Int? = 7
    steps.fill(&given, in: KubernetesVersion(major: 1, minor: 20))
    var left: Int?
    steps.fill(&left, in: KubernetesVersion(major: 1, minor: 20))
    #expect(given == 7 && left == 2)
  }
}
