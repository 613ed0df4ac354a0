import Testing
import SimCore
@testable import AggregationModel

@Suite("Kubernetes versions and the behaviours they select")
struct KubernetesVersionTests {
  @Test("versions read with or without v, with or without a patch release", arguments: [
    ("1.35", 35, nil), ("v1.36", 36, nil), ("v1.28.3", 28, 3), ("1.16", 16, nil), ("1.23.0", 23, 0),
  ] as [(String, Int, Int?)])
  func parsing(text: String, minor: Int, patch: Int?) throws {
    #expect(try KubernetesVersion(parsing: text) == KubernetesVersion(major: 1, minor: minor, patch: patch))
  }

  @Test("a malformed version, or one outside 1.16–1.36, is refused with the modelled range", arguments: [
    "", "1", "2.0", "1.x", "v1.35.2.1", "1..3", "١.٣٥", "1.15", "1.9", "1.37", "1.40", "v1.15.12",
  ])
  func badVersions(text: String) {
    do {
      _ = try KubernetesVersion(parsing: text)
      Issue.record("\(text) was accepted")
    } catch {
      #expect(error.description == "expected a Kubernetes release from 1.16 to 1.36, such as 1.35 or v1.28.3, found \"\(text)\"")
    }
  }

  @Test("a minor alone is its newest patch release: after every patch of it, before the next minor")
  func releaseOrder() throws {
    let v = { (text: String) in try KubernetesVersion(parsing: text) }
    #expect(try v("1.28.0") < v("1.28.3") && v("1.28.3") < v("1.28") && v("1.28") < v("1.29.0"))
    #expect(try v("1.28").description == "1.28" && v("v1.28.3").description == "1.28.3")
  }

  @Test("a change holds from its release, and from each backport's patch within that minor only")
  func backports() throws {
    let change = KubernetesChange(29, backports: [(27, 7), (28, 3)])
    let holds = try ["1.26", "1.27.6", "1.27.7", "1.27", "1.28.2", "1.28.3", "1.28", "1.29.0", "1.36"]
      .map { change.isIn(try KubernetesVersion(parsing: $0)) }
    #expect(holds == [false, false, true, true, false, true, true, true, true])
  }

  @Test("each behaviour switch changes at the release (and the backports) the sources name")
  func behaviourBoundaries() throws {
    func at(_ text: String) throws -> VersionBehaviour { VersionBehaviour(try KubernetesVersion(parsing: text)) }
    #expect(try !at("1.35").discoveryRetriesWithBackoff && at("1.36").discoveryRetriesWithBackoff)
    // LIST of an aggregated resource: 1 seat before 1.23, 10 in 1.23.0–1.23.5, 1 from 1.23.6 (#109106).
    #expect(try ["1.22", "1.23.0", "1.23.5", "1.23.6", "1.23", "1.24.0", "1.36"].map { try at($0).aggregatedListSeats }
            == [1, 10, 10, 1, 1, 1, 1])
    #expect(try !at("1.27").perLevelMaxSeats && at("1.28.0").perLevelMaxSeats)
    #expect(try !at("1.26").wideLegacyDiscoveryFallback && at("1.29").wideLegacyDiscoveryFallback)
    #expect(try !at("1.27.5").wideLegacyDiscoveryFallback && at("1.27.6").wideLegacyDiscoveryFallback && at("1.27").wideLegacyDiscoveryFallback)
    #expect(try !at("1.28.1").wideLegacyDiscoveryFallback && at("1.28.2").wideLegacyDiscoveryFallback)
  }

  @Test("each version default changes at the release (and the backports) the sources name")
  func versionDefaultBoundaries() throws {
    func at(_ text: String) throws -> KubernetesVersion { try KubernetesVersion(parsing: text) }
    let d = VersionDefaults.self
    #expect(try d.discoveryTimeout.value(in: at("1.16.0")) == .after(.seconds(5)))
    #expect(try d.discoveryMode.value(in: at("1.26")) == .legacy && d.discoveryMode.value(in: at("1.27")) == .aggregated)
    #expect(try d.kubectlCacheTTL.value(in: at("1.23")) == .minutes(10) && d.kubectlCacheTTL.value(in: at("1.24")) == .hours(6))
    #expect(try d.kubectlDiscoveryRateLimit.value(in: at("1.22")) == RateLimitSpec(qps: .perSecond(5), burst: 100))
    #expect(try d.kubectlDiscoveryRateLimit.value(in: at("1.23")) == RateLimitSpec(qps: .perSecond(50), burst: 300))
    #expect(try d.streamsPerConnection.value(in: at("1.28.2")) == 250 && d.streamsPerConnection.value(in: at("1.28.3")) == 100)
    #expect(try d.streamsPerConnection.value(in: at("1.25.14")) == 250 && d.streamsPerConnection.value(in: at("1.25")) == 100)
    #expect(try d.streamsPerConnection.value(in: at("1.24")) == 250 && d.streamsPerConnection.value(in: at("1.29.0")) == 100)
    #expect(try d.admission.value(in: at("1.19")) == .maxInFlight(readOnly: 400, mutating: 200))
    #expect(try d.admission.value(in: at("1.20.0")) == .kubernetesDefault)
    #expect(try d.readIdleTimeout.value(in: at("1.19.4")) == .unlimited && d.readIdleTimeout.value(in: at("1.19.5")) == .after(.seconds(30)))
    #expect(try d.readIdleTimeout.value(in: at("1.18")) == .after(.seconds(30)) && d.readIdleTimeout.value(in: at("1.17")) == .unlimited)
  }

  @Test("a version default keeps the latest change at or before the version, and the initial value before the first")
  func versionDefaultLookup() {
    let steps = VersionDefault(key: "x", doc: "", source: "", initial: 0,
                               changes: [(KubernetesChange(10), 1), (KubernetesChange(20), 2)])
    #expect([9, 10, 19, 20, 36].map { steps.value(in: KubernetesVersion(major: 1, minor: $0)) } == [0, 1, 1, 2, 2])
    var given: Int? = 7
    steps.fill(&given, in: KubernetesVersion(major: 1, minor: 20))
    var left: Int?
    steps.fill(&left, in: KubernetesVersion(major: 1, minor: 20))
    #expect(given == 7 && left == 2)
  }
}
