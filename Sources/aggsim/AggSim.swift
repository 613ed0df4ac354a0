import ArgumentParser
import Foundation
import SimOutput

/// The `aggsim` command line: predicts how the Kubernetes API aggregation layer behaves.
///
/// Exit codes (sysexits): 0 success; 1 a `check` expectation failed; 64 bad command-line use;
/// 65 an invalid scenario; 73 the results could not be written (the output directory is not
/// writable, is another run's, is a file, or the disk is full: the previous results are then
/// untouched).
@main
struct AggSim: AsyncParsableCommand {
  /// Exit code of results that could not be written (EX_CANTCREAT).
  static let outputFailureExitCode: Int32 = 73

  /// Runs the command; an `OutputError` is printed as `aggsim: <message>` and exits with 73.
  static func main() async {
    do {
      var command = try parseAsRoot()
      if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch let error as OutputError {
      FileHandle.standardError.write(Data("aggsim: \(error)\n".utf8))
      Foundation.exit(outputFailureExitCode)
    } catch {
      exit(withError: error)
    }
  }

  static let configuration = CommandConfiguration(
    commandName: "aggsim",
    abstract: "A discrete-event simulator of the Kubernetes API aggregation layer.",
    version: AggSimVersion.current,
    subcommands: [RunCommand.self, ValidateCommand.self, SweepCommand.self, CapacityCommand.self, CheckCommand.self, CompareCommand.self, ReportCommand.self, SelfCheck.self]
  )
}

/// The version printed by `aggsim --version` and recorded in run metadata.
enum AggSimVersion {
  static let current = "0.1.0"
}
