import ArgumentParser
import Foundation
import SimOutput
import AggregationModel

/// The `aggsim` command line: predicts how the Kubernetes API aggregation layer behaves.
///
/// Exit codes (sysexits): 0 success; 1 a `check` expectation failed; 64 bad command-line use;
/// 65 an invalid scenario; 70 a run exceeded --max-events or --max-memory (the previous
/// results are then untouched); 73 the results could not be written (the output directory is not
/// writable, is another run's, is a file, or the disk is full: the previous results are then
/// untouched).
@main
struct AggSim: AsyncParsableCommand {
  /// Exit code of results that could not be written (EX_CANTCREAT).
  static let outputFailureExitCode: Int32 = 73
  /// Exit code of a run stopped by its budget, `--max-events` or `--max-memory` (EX_SOFTWARE).
  static let budgetExceededExitCode: Int32 = 70

  /// Runs the command; an `OutputError` is printed as `aggsim: <message>` and exits with 73.
  static func main() async {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "help", let unknown = unknownHelpTopic(Array(arguments.dropFirst())) {
      FileHandle.standardError.write(Data("aggsim: no command '\(unknown)'; commands: \(commandNames.joined(separator: ", "))\n".utf8))
      Foundation.exit(ExitCode.validationFailure.rawValue)
    }
    do {
      var command = try parseAsRoot()
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch let error as OutputError {
      FileHandle.standardError.write(Data("aggsim: \(error)\n".utf8))
      Foundation.exit(outputFailureExitCode)
    } catch let overrun as BudgetOverrun {
      FileHandle.standardError.write(Data("\naggsim: \(overrun)\n".utf8))
      Foundation.exit(budgetExceededExitCode)
    } catch {
      exit(withError: error)
    }
  }

  /// The subcommands' names, as `aggsim help` lists them.
  static var commandNames: [String] { configuration.subcommands.compactMap { $0.configuration.commandName } }

  /// The first word of `aggsim help WORD…` that is not a command (ArgumentParser would print
  /// the top-level help and exit 0 for it).
  static func unknownHelpTopic(_ words: [String]) -> String? {
    guard let first = words.first, !first.hasPrefix("-") else { return nil }
    return commandNames.contains(first) ? nil : first
  }

  static let configuration = CommandConfiguration(
    commandName: "aggsim",
    abstract: "A discrete-event simulator of the Kubernetes API aggregation layer.",
    version: AggSimVersion.current,
    subcommands: [RunCommand.self, ValidateCommand.self, ExplainCommand.self, SweepCommand.self, CapacityCommand.self, CheckCommand.self, CompareCommand.self, MergeCommand.self, JobCommand.self, ReportCommand.self, ImportCommand.self, SchemaCommand.self, SelfCheck.self]
  )
}

/// The version printed by `aggsim --version` and recorded in run metadata.
enum AggSimVersion {
  static let current = "0.1.0"
}
