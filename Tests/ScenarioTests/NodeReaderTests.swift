import Testing
import Scenario
import SimCore

/// `spec.typed`: one field of each scalar kind the reader offers.
struct Typed: ScenarioSection, Equatable {
  enum Mode: String, CaseIterable { case fifo, lifo }
  static let key = "typed"
  var flag: Bool, label: String, mode: Mode, rate: Rate, ratio: Double, timeouts: [SimDuration]

  init?(reading node: NodeReader) {
    guard let m = node.mapping(knownKeys: ["flag", "label", "mode", "rate", "ratio", "timeouts"]) else { return nil }
    let flag = m.required("flag")?.bool()
    let label = m.required("label")?.string()
    let mode = m.required("mode")?.oneOf(Mode.self)
    let rate = m.required("rate")?.rate()
    let ratio = m.required("ratio")?.number(in: 0...1)
    let timeouts = m.required("timeouts")?.array { $0.duration() }
    guard let flag, let label, let mode, let rate, let ratio, let timeouts else { return nil }
    (self.flag, self.label, self.mode, self.rate, self.ratio, self.timeouts) = (flag, label, mode, rate, ratio, timeouts)
  }
}

/// A `spec` with only the `Typed` section.
struct TypedSections: ScenarioSections {
  var typed: Typed?
  static var fields: [SectionField<Self>] { [.section(\.typed)] }
}

func typedLoad(_ body: String) -> Result<Typed, ScenarioErrors> {
  do {
    let file = try ScenarioLoader<TypedSections>().load(yaml: document(spec: "  run: {duration: 1m}\n  typed: \(body)"), file: "lab.yaml")
    return .success(file.sections.typed!)
  } catch {
    return .failure(error)
  }
}

@Suite("NodeReader: typed scalars and error texts")
struct NodeReaderTests {
  @Test("each scalar kind is read into its value")
  func typedValues() throws {
    let typed = try typedLoad("{flag: true, label: '5', mode: lifo, rate: 3/min, ratio: 1, timeouts: [5s, 250ms]}").get()
    #expect(typed.flag == true)
    #expect(typed.label == "5")
    #expect(typed.mode == .lifo)
    #expect(typed.rate == .perMinute(3))
    #expect(typed.ratio == 1)
    #expect(typed.timeouts == [.seconds(5), .milliseconds(250)])
  }

  @Test("each scalar kind reports what it expected; every element of a list is checked")
  func typedErrors() {
    guard case .failure(let errors) = typedLoad("{flag: yes, label: 5, mode: fifp, rate: 50, ratio: 1.5, timeouts: [5, 2x]}") else {
      Issue.record("expected errors")
      return
    }
    #expect(errors.description == """
      lab.yaml:7:17: spec.typed.flag: expected true or false, found "yes"
      lab.yaml:7:29: spec.typed.label: expected a string, found 5
      lab.yaml:7:38: spec.typed.mode: expected one of fifo, lifo (did you mean "fifo"?), found "fifp"
      lab.yaml:7:50: spec.typed.rate: expected a rate with a unit (/s, /min, /h), e.g. 50/s, found 50
      lab.yaml:7:61: spec.typed.ratio: expected a finite number in [0, 1], found 1.5
      lab.yaml:7:77: spec.typed.timeouts[0]: expected a duration with a unit (ns, us, ms, s, m, h), e.g. 250ms or 1m30s, found 5
      lab.yaml:7:80: spec.typed.timeouts[1]: expected a duration with a unit (ns, us, ms, s, m, h), e.g. 250ms or 1m30s, found "2x"
      """)
  }

  @Test("a did-you-mean also matches a shared prefix")
  func prefixSuggestion() {
    #expect(problems(document(spec: "  run: {duration: 1m, kubernetes: 1.30}")) == [
      "lab.yaml:6:23: spec.run.kubernetes: expected a key of spec.run (did you mean \"kubernetesVersion\"?), found \"kubernetes\"",
    ])
  }

  @Test("a mapping where a scalar belongs, and a scalar where a mapping belongs")
  func wrongNodeKinds() {
    #expect(problems(document(spec: "  run: {duration: {a: 1}}")) == [
      "lab.yaml:6:19: spec.run.duration: expected a duration with a unit (ns, us, ms, s, m, h), e.g. 250ms or 1m30s, found a mapping",
    ])
    #expect(problems(document(spec: "  run: 10m")) == ["lab.yaml:6:8: spec.run: expected a mapping, found \"10m\""])
    #expect(problems(document(spec: "  run:")) == ["lab.yaml:6:7: spec.run: expected a mapping, found nothing"])
  }

  @Test("error descriptions: with a position and key path, for the document, and outside the file")
  func errorDescriptions() {
    let inFile = ScenarioError(file: "a.yaml", line: 2, column: 12, keyPath: "extensionServers[0].workers",
                               expected: "an integer >= 1", found: "0")
    #expect(inFile.description == "a.yaml:2:12: extensionServers[0].workers: expected an integer >= 1, found 0")
    let document = ScenarioError(file: "a.yaml", line: 1, column: 1, keyPath: "", expected: "x", found: "y")
    #expect(document.description == "a.yaml:1:1: expected x, found y")
    let outside = ScenarioError(file: "--set a=1", line: 0, column: 0, keyPath: "a", expected: "x", found: "1")
    #expect(outside.description == "--set a=1: a: expected x, found 1")
    let all = ScenarioErrors([inFile, document, outside], omitted: 2)
    #expect(all.description == """
      --set a=1: a: expected x, found 1
      a.yaml:1:1: expected x, found y
      a.yaml:2:12: extensionServers[0].workers: expected an integer >= 1, found 0
      … and 2 more problems
      """)
  }

  @Test("at most 200 problems are kept; the rest are counted")
  func problemLimit() {
    let list = Array(repeating: "1", count: 250).joined(separator: ", ")
    guard case .failure(let errors) = typedLoad("{flag: true, label: a, mode: fifo, rate: 1/s, ratio: 0, timeouts: [\(list)]}") else {
      Issue.record("expected errors")
      return
    }
    #expect(errors.errors.count == 200)
    #expect(errors.omitted == 50)
  }
}
