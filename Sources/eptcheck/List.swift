import ArgumentParser
import Spec

extension EptCheck {
  /// `eptcheck list`: the scenarios the specs define, with their expectations and threads.
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the scenarios of the specs.")

    @OptionGroup var specPaths: SpecPaths

    func run() throws {
      let spec = try SpecPaths.load(specPaths.resolved)
      let width = spec.scenarios.map(\.name.count).max() ?? 0
      var out = ""
      for scenario in spec.scenarios {
        let expectation = JSONLinesReport.expectationText(scenario.expectation)
        out += "\(scenario.name.padded(to: width))  expect \(expectation.padded(to: 28))"
        out += "  threads: \(scenario.threadNames.joined(separator: ", "))"
        out += "  (\(scenario.location.file):\(scenario.location.line))\n"
      }
      try ReportOutput.write(out)
    }
  }
}
