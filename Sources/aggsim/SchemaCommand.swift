import ArgumentParser
import Scenario

/// `aggsim schema`: prints the scenario format, generated from the declarations the reader
/// checks keys against (`ScenarioSchema`): a JSON Schema (draft-07) for editors and validators,
/// or the key reference of Scenarios/README.md.
struct SchemaCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "schema",
    abstract: "Print the scenario format: a JSON Schema (draft-07) or the Markdown key reference.",
    discussion: "Scenarios/aggsim.schema.json is `aggsim schema`; the key reference at the end of Scenarios/README.md is "
      + "`aggsim schema --format markdown`. Tests check both against the generator.")

  /// The output form.
  enum Format: String, ExpressibleByArgument, CaseIterable {
    case json, markdown
  }

  @Option(help: "json (a JSON Schema) or markdown (the key reference).") var format: Format = .json

  func run() throws {
    switch format {
    case .json: print(JSONSchemaWriter.text(), terminator: "")
    case .markdown: print(SchemaReference.markdown(), terminator: "")
    }
  }
}
