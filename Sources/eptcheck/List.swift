import ArgumentParser
import Spec

extension EptCheck {
  /// `eptcheck list`: the scenarios the specs define, with their expectations and threads, under
  /// a line naming the kernel release they model; with `--kernels`, the releases instead.
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the scenarios of the specs.")

    @OptionGroup var specPaths: SpecPaths

    @Flag(help: "List the kernel releases the specs model (the values of --kernel).")
    var kernels = false

    func run() throws {
      if kernels {
        Terminal.standardOutput.write(KernelReleases(paths: specPaths.resolved).listing)
        return
      }
      let spec = try specPaths.load()
      let width = spec.scenarios.map(\.name.count).max() ?? 0
      var out = KernelReleases(paths: specPaths.resolved).header(for: specPaths.release)
      for scenario in spec.scenarios {
        let expectation = JSONLinesReport.expectationText(scenario.expectation)
        out += "\(scenario.name.padded(to: width))  expect \(expectation.padded(to: 28))"
        out += "  threads: \(scenario.threadNames.joined(separator: ", "))"
        out += "  (\(scenario.isSynthesized ? "synthesized, " : "")"
        out += "\(scenario.location.file):\(scenario.location.line))\n"
      }
      try ReportOutput.write(out)
    }
  }
}
