import AggregationModel
import Foundation
import SimOutput
import Testing

/// `requests.csv`'s stage columns: named after the model's stages, and each row's stages add up
/// to its latency in the file the built binary writes.
@Suite("request stages in requests.csv")
struct RequestStageColumnsTests {
  @Test("requests.csv has a stage_<name>_s column for every RequestStage, in its order, after attempts")
  func columnsNameTheStages() throws {
    let names = OutputSchema.requests.columnNames
    let first = try #require(names.firstIndex(of: "attempts")) + 1
    #expect(Array(names[first...]) == RequestStage.allCases.map { "stage_\($0.name)_s" })
  }

  /// The stage columns are exact decimals of nanoseconds; latency_s is end − start in seconds
  /// as a double: they agree to a nanosecond.
  @Test("in the quickstart's requests.csv every request's stages add up to its latency")
  func stagesAddUpInTheFile() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["run", "Scenarios/quickstart.yaml", "--replications", "1", "--trace-sampling", "1",
                                            "--set", "spec.run.duration=70s", "--out", out])
    #expect(run.status == 0, "\(run.stderr)")
    let rows = OutputRows.rows(try AggsimBinaryTests.read("\(out)/quickstart/requests.csv"))
    let names = OutputSchema.requests.columnNames
    let latency = try #require(names.firstIndex(of: "latency_s")), stages = try #require(names.firstIndex(of: "stage_throttle_s"))
    #expect(rows.count > 500)
    for row in rows {
      let sum = row[stages...].map { Double($0)! }.reduce(0, +)
      #expect(abs(sum - Double(row[latency])!) < 2e-9, "\(row)")
    }
  }
}
