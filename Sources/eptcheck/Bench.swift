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

    @Flag(help: "Skip the deep run (unbounded DPOR on lastzero(\(Self.deepLastZero)), about 10 seconds in release).")
    var quick = false

    @Option(help: "Also run the deep run on N threads, and print the speedup over one.")
    var jobs: Int = 1

    func validate() throws {
      if jobs < 1 { throw ValidationError("--jobs must be at least 1, not \(jobs)") }
      if depth < 1 { throw ValidationError("--depth must be at least 1, not \(depth)") }
    }

    @OptionGroup var specPaths: SpecPaths

    /// The size of lastzero for the deep run: the largest whose 16 threads fit `VectorClock`.
    static let deepLastZero = 15

    struct Figure: Codable {
      var version = 1
      var kind = "bench"
      var workload: String
      var jobs = 1
      var executions: Int
      /// Executions per Mazurkiewicz trace, where the workload's trace count is known.
      var executionsPerTrace: Double?
      var transitions: Int
      var stepsPerSecond: Double
      var peakMemoryMB: Double
      var seconds: Double
      /// Wall time on one thread over wall time on `jobs`, for the deep run on several threads.
      var speedup: Double?
    }

    func run() throws {
      var figures: [Figure] = []
      // The canonical programs, unbounded: optimal DPOR should run one execution per trace.
      for n in [4, 8, 12] {
        figures.append(
          try Self.measure(
            source: CanonicalPrograms.readers(n), name: "readers(\(n))", depth: nil,
            traces: CanonicalPrograms.readersTraces(n)))
      }
      for n in [5, 8] {
        figures.append(
          try Self.measure(source: CanonicalPrograms.lastZero(n), name: "lastzero(\(n))", depth: nil))
      }
      let spec = try SpecPaths.load(specPaths.resolved, warnings: false)
      for scenario in spec.scenarios {
        figures.append(
          try Self.measure(spec.system(for: scenario), name: scenario.name, depth: depth))
      }
      if !quick {
        let source = CanonicalPrograms.lastZero(Self.deepLastZero)
        let name = "lastzero(\(Self.deepLastZero))"
        let one = try Self.measure(source: source, name: name, depth: nil)
        figures.append(one)
        if jobs > 1 {
          var many = try Self.measure(source: source, name: name, depth: nil, jobs: jobs)
          many.speedup = one.seconds / many.seconds
          figures.append(many)
        }
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
      var out =
        "workload".padded(to: width)
        + "  executions  exec/trace       steps     steps/s  peak MB   seconds\n"
      for f in figures {
        out += f.workload.padded(to: width)
        let perTrace = f.executionsPerTrace.map { String(format: "%.2f", $0) } ?? "-"
        out += String(format: "  %10d  ", f.executions)
        out += String(repeating: " ", count: max(0, 10 - perTrace.count)) + perTrace
        out += String(
          format: "  %10d  %10.0f  %7.1f  %8.3f\n", f.transitions, f.stepsPerSecond,
          f.peakMemoryMB, f.seconds)
      }
      for f in figures {
        guard let speedup = f.speedup else { continue }
        out += String(format: "\n%@ on %d threads: %.2f times as fast as on one", f.workload, f.jobs, speedup)
        out += String(format: " (%.0f steps/s per thread)\n", f.stepsPerSecond / Double(f.jobs))
      }
      Terminal.standardOutput.write(out)
    }

    /// Explores one workload with DPOR as `eptcheck` does (split into subtrees), bounded at
    /// `depth` if given, on `jobs` threads.
    static func measure<System: TransitionSystem>(
      _ system: System, name: String, depth: Int?, traces: Int? = nil, jobs: Int = 1
    ) throws -> Figure {
      let result = try Explorer.explore(
        system, configuration: Configuration(strategy: .dpor, depthBound: depth, shrink: false),
        partition: .standard(), jobs: jobs)
      let s = result.statistics
      var label = depth.map { "\(name) (dpor, depth \($0))" } ?? "\(name) (dpor)"
      if jobs > 1 { label = depth.map { "\(name) (dpor, depth \($0), \(jobs) jobs)" } ?? "\(name) (dpor, \(jobs) jobs)" }
      return Figure(
        workload: label, jobs: jobs, executions: s.executions,
        executionsPerTrace: traces.map { Double(s.executions) / Double($0) },
        transitions: s.transitions, stepsPerSecond: s.rate, peakMemoryMB: peakMemoryMB,
        seconds: s.elapsed)
    }

    static func measure(
      source: String, name: String, depth: Int?, traces: Int? = nil, jobs: Int = 1
    ) throws -> Figure {
      // The generic language: the canonical programs race on purpose.
      let spec = try LoadedSpec.load(source: source, file: "\(name).ept", library: .standard)
      return try measure(
        spec.system(for: spec.scenarios[0]), name: name, depth: depth, traces: traces, jobs: jobs)
    }

    /// The process's peak resident set size so far, in megabytes.
    static var peakMemoryMB: Double {
      var usage = rusage()
      getrusage(RUSAGE_SELF.rawValue, &usage)
      return Double(usage.ru_maxrss) / 1024
    }
  }
}
