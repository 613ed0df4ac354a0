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

  @Test("each behaviour changes at the release the research names")
  func behaviourBoundaries() {
    func at(_ minor: Int) -> VersionBehaviour { VersionBehaviour(KubernetesVersion(major: 1, minor: minor)) }
    #expect(at(15).discoveryTimeoutCap == nil)
    #expect(at(16).discoveryTimeoutCap == .seconds(5))
    #expect(!at(26).aggregatedDiscoveryEnabled && at(27).aggregatedDiscoveryEnabled)
    #expect(!at(35).discoveryRetriesWithBackoff && at(36).discoveryRetriesWithBackoff)
    #expect(!at(23).aggregatedListTakesOneSeat && at(24).aggregatedListTakesOneSeat)
    #expect(at(23).kubectlDiscoveryCacheTTL == .minutes(10) && at(24).kubectlDiscoveryCacheTTL == .hours(6))
    #expect(at(22).kubectlDiscoveryBurst == 100 && at(23).kubectlDiscoveryBurst == 300)
    #expect(at(28).defaultHTTP2StreamsPerConnection == 250 && at(29).defaultHTTP2StreamsPerConnection == 100)
    #expect(!at(27).wideLegacyDiscoveryFallback && !at(28).wideLegacyDiscoveryFallback && at(29).wideLegacyDiscoveryFallback)
  }
}
