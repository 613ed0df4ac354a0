import Foundation
import Testing
@testable import SimOutput

@Suite("Run metadata")
struct RunMetadataTests {
  static let sample = RunMetadata(
    aggsimVersion: "0.1.0", gitCommit: "7518a2c", scenario: "discovery-timeout",
    scenarioHash: Fingerprint.hex(Array("a".utf8)), seed: 42, replications: 10, jobs: 2,
    commandLine: ["aggsim", "run", "Scenarios/discovery-timeout.yaml", "--out", "notebooks-out"],
    startTime: Date(timeIntervalSince1970: 1_795_485_182.125), wallTimeSeconds: 2.5, events: 10_000_000,
    extras: ["zone": "eu", "host": "ci-1"], timeBucketSeconds: 0.1,
    peakHeapBytes: 16_631_808, peakResidentBytes: 51_675_136)

  @Test("FNV-1a 64 matches the published test vectors, as 16 lowercase hex digits")
  func fingerprintVectors() {
    #expect(Fingerprint.hex([UInt8]()) == "cbf29ce484222325")
    #expect(Fingerprint.hex(Array("a".utf8)) == "af63dc4c8601ec8c")
    #expect(Fingerprint.hex(Array("foobar".utf8)) == "85944171f73967e8")
    #expect(Fingerprint.fnv1a64(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
  }

  @Test("metadata JSON has snake_case keys in sorted order, ISO 8601 UTC start time and events per second")
  func sortedJSON() throws {
    let json = try Self.sample.json()
    #expect(
      json == """
        {
          "aggsim_version" : "0.1.0",
          "command_line" : [
            "aggsim",
            "run",
            "Scenarios/discovery-timeout.yaml",
            "--out",
            "notebooks-out"
          ],
          "events" : 10000000,
          "events_per_s" : 4000000,
          "extras" : {
            "host" : "ci-1",
            "zone" : "eu"
          },
          "git_commit" : "7518a2c",
          "jobs" : 2,
          "peak_heap_bytes" : 16631808,
          "peak_resident_bytes" : 51675136,
          "replications" : 10,
          "scenario" : "discovery-timeout",
          "scenario_hash" : "af63dc4c8601ec8c",
          "seed" : 42,
          "start_time" : "2026-11-24T01:53:02.125Z",
          "time_bucket_s" : 0.1,
          "wall_time_s" : 2.5
        }

        """)
  }

  @Test("metadata decodes back to the same value")
  func roundTrip() throws {
    let data = Data(try Self.sample.json().utf8)
    let decoded = try JSONDecoder().decode(RunMetadata.self, from: data)
    #expect(decoded == Self.sample)
    #expect(decoded.eventsPerSecond == 4_000_000)
  }

  @Test("metadata without time_bucket_s (written before it was recorded) decodes with none and writes none")
  func noTimeBucket() throws {
    var metadata = Self.sample
    metadata.timeBucketSeconds = nil
    let json = try metadata.json()
    #expect(!json.contains("time_bucket_s"))
    #expect(try JSONDecoder().decode(RunMetadata.self, from: Data(json.utf8)) == metadata)
  }

  @Test("a zero wall time gives null events per second instead of failing to encode")
  func zeroWallTime() throws {
    var metadata = Self.sample
    metadata.wallTimeSeconds = 0
    #expect(metadata.eventsPerSecond.isNaN)
    let json = try metadata.json()
    #expect(json.contains("\"events_per_s\" : null,"))
    #expect(json.contains("\"wall_time_s\" : 0"))
    #expect(try metadata.outputFile().name == "metadata.json")
  }
}
