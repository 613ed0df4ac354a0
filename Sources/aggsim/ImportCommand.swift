import ArgumentParser
import Foundation
import Scenario
import SimCore
import SimOutput

/// `aggsim import`: turns measurements of a real cluster into scenario fragments.
struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import", abstract: "Turn measurements of a real cluster into scenario fragments.",
    subcommands: [PrometheusImportCommand.self])
}

/// `aggsim import prometheus FILE`: service-time distributions and request rates per API group
/// from a `/metrics` scrape or a Prometheus query result (see `ScenarioFragment`).
struct PrometheusImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "prometheus",
    abstract: "Write serviceTime and clients fragments from apiserver_request_duration_seconds and apiserver_request_total.",
    discussion: """
      FILE is a Prometheus text exposition (curl -k https://<server>/metrics, or kubectl get --raw /metrics) or a \
      Prometheus HTTP API result (JSON). Counts are taken over a window: a range query's first and last points, or \
      the counts as given (an increase(...[1h]) query, with --window 1h), or a scrape less an earlier --baseline \
      scrape (with --window, the time between them). Without a window only the service times are written.

      Examples:
        aggsim import prometheus metrics-server.txt
        aggsim import prometheus now.txt --baseline hour-ago.txt --window 1h --group metrics.k8s.io
        aggsim import prometheus range.json --out Scenarios/measured.yaml
      """)

  @Argument(help: "A /metrics scrape (text) or a Prometheus query result (JSON).") var file: String
  @Option(help: "An earlier scrape of the same server: its counts are subtracted.") var baseline: String?
  @Option(help: "The time the counts cover (e.g. 1h): the query's range, or the time between the scrapes.") var window: String?
  @Option(help: "The latency histogram (its _bucket series).") var histogram = "apiserver_request_duration_seconds"
  @Option(help: "Only this API group (repeatable); default: every group except the core group.") var group: [String] = []
  @Option(help: "Write the fragments to this file (replaced whole) instead of standard output.") var out: String?

  /// `--window` read: nil when not given or not a duration from 1 ns to 366 days (`validate` refuses that).
  var givenWindow: MeasurementWindow? {
    guard let window, let length = try? DurationFormat.parseDuration(window), length > .zero, length <= .seconds(366 * 86_400) else {
      return nil
    }
    return MeasurementWindow(length: length, source: "--window \(window)")
  }

  func validate() throws {
    if let window, givenWindow == nil {
      throw ValidationError("--window must be a duration from 1ns to 366 days, e.g. 1h or 90m, found \(window)")
    }
  }

  func run() throws {
    do {
      let input = try PrometheusImport.read(path: file)
      let earlier = try baseline.map { path throws(ScenarioErrors) in try PrometheusImport.read(path: path).samples }
      let measured = try MeasuredRequests(input.samples, baseline: earlier, file: file, histogram: histogram)
      let text = try ScenarioFragment.render(measured, source: URL(fileURLWithPath: file).lastPathComponent, histogram: histogram,
                                             window: givenWindow ?? input.window, groups: Set(group))
      guard !text.isEmpty else {
        throw ScenarioErrors([ScenarioError(file: file, line: 0, column: 0, keyPath: "",
                                            expected: group.isEmpty ? "requests of an API group other than the core group" : "requests of group \(group.joined(separator: ", "))",
                                            found: "none in the window")])
      }
      if let out { try AtomicFileWriter.write(text, to: out) } else { print(text, terminator: "") }
    } catch let errors as ScenarioErrors {
      FileHandle.standardError.write(Data((errors.description + "\n").utf8))
      throw ExitCode(ScenarioRunner.badScenarioExitCode)
    } catch let error as DistributionError {
      FileHandle.standardError.write(Data("\(file): \(error)\n".utf8))
      throw ExitCode(ScenarioRunner.badScenarioExitCode)
    }
  }
}
