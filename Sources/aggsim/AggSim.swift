import ArgumentParser

/// The `aggsim` command line: predicts how the Kubernetes API aggregation layer behaves.
@main
struct AggSim: AsyncParsableCommand {
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
