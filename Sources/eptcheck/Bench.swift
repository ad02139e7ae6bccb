import ArgumentParser
import Explorer
import Foundation
import Spec

extension EptCheck {
  /// `eptcheck bench`: fixed workloads with their counts, rates, memory and wall time.
  ///
  /// Figures, not tests: nothing here asserts a time.
  struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print performance figures for fixed workloads.")

    @Option(help: "Report format.")
    var format: Check.Format = .text

    @Option(help: "Depth bound for the spec workloads.")
    var depth: Int = 12

    @OptionGroup var specPaths: SpecPaths

    struct Figure: Codable {
      var version = 1
      var kind = "bench"
      var workload: String
      var executions: Int
      var transitions: Int
      var stepsPerSecond: Double
      var peakMemoryMB: Double
      var seconds: Double
    }

    func run() throws {
      let spec = try SpecPaths.load(specPaths.resolved, warnings: false)
      var figures: [Figure] = []
      for scenario in spec.scenarios {
        let result = try Explorer.explore(
          spec.system(for: scenario),
          configuration: Configuration(strategy: .dpor, depthBound: depth, shrink: false))
        let s = result.statistics
        figures.append(
          Figure(
            workload: "\(scenario.name) (dpor, depth \(depth))", executions: s.executions,
            transitions: s.transitions, stepsPerSecond: s.rate, peakMemoryMB: Self.peakMemoryMB,
            seconds: s.elapsed))
      }
      if format == .json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for figure in figures {
          Terminal.standardOutput.write(String(decoding: try encoder.encode(figure), as: UTF8.self) + "\n")
        }
        return
      }
      let width = figures.map(\.workload.count).max() ?? 0
      var out = "workload".padded(to: width) + "  executions       steps     steps/s  peak MB   seconds\n"
      for f in figures {
        out += f.workload.padded(to: width)
        out += String(format: "  %10d  %10d  %10.0f  %7.1f  %8.3f\n", f.executions, f.transitions, f.stepsPerSecond, f.peakMemoryMB, f.seconds)
      }
      Terminal.standardOutput.write(out)
    }

    /// The process's peak resident set size so far, in megabytes.
    static var peakMemoryMB: Double {
      var usage = rusage()
      getrusage(RUSAGE_SELF.rawValue, &usage)
      return Double(usage.ru_maxrss) / 1024
    }
  }
}
