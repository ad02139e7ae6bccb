import ArgumentParser
import Explorer
import Foundation
import Spec

extension EptCheck {
  /// `eptcheck replay`: runs a saved counterexample again, step by step, and shows it.
  struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Replay a saved trace (a trace file, or a violation record of --format json).")

    @Argument(help: "The trace: a trace JSON file, or a JSON Lines report with a violation record.")
    var trace: String

    @Option(help: "Report format.")
    var format: Check.Format = .text

    @Argument(help: "Spec files or directories (default: the spec recorded in the trace).")
    var paths: [String] = []

    @Option(help: "The kernel release the trace was found on (default: mainline).")
    var kernel: String?

    func run() throws {
      let loaded = try TraceFile.read(trace)
      let paths = !paths.isEmpty ? paths : (loaded.spec?.split(separator: ",").map(String.init) ?? ["specs"])
      let spec = try SpecPaths.load(
        paths, kernel: kernel == LoadedSpec.mainline ? nil : kernel, warnings: false)
      guard let name = loaded.scenario else {
        throw Failure.badTrace("\(trace): the trace names no scenario").exit()
      }
      guard let scenario = spec.scenarios.first(where: { $0.name == name }) else {
        throw Failure.badTrace(
          "\(trace): the trace is for scenario '\(name)', which \(paths.joined(separator: ", ")) does not define"
        ).exit()
      }
      let rendered: RenderedTrace
      do {
        rendered = try TraceRenderer(system: spec.system(for: scenario)).render(loaded)
      } catch {
        throw Failure.badTrace(
          "\(trace): the trace does not replay against scenario '\(name)': \(error.description)"
        ).exit()
      }
      switch format {
      case .text:
        try ReportOutput.write(
          TextReport(color: Terminal.standardOutput.allowsColor).renderTrace(rendered, scenario: scenario)
            + "reproduced: \("\(rendered.violation)".escapingControlCharacters())\n")
      case .json, .html:
        let header = ReportHeader(
          version: EptCheck.version, paths: paths, strategy: "replay", depth: nil, jobs: 1,
          shard: nil, elapsed: 0)
        var result = ExplorationResult(
          statistics: Statistics(), counterexamples: [
            Counterexample(violation: rendered.violation, trace: loaded)
          ], completion: .complete, strategy: .dfs, depthBound: nil)
        result.statistics.executions = 1
        result.statistics.transitions = loaded.steps.count
        let run = ScenarioRun(scenario: scenario, result: result, traces: [rendered], requireComplete: false)
        try ReportOutput.write(
          format == .json ? JSONLinesReport().render([run], header) : HTMLReport().render([run], header))
      }
    }
  }
}

/// Reads a trace from a trace JSON file or from the first violation record of a JSON Lines report.
enum TraceFile {
  /// Why a path gives no data, in a few words.
  static func whyUnreadable(_ path: String) -> String {
    var isDirectory: ObjCBool = false
    if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      return "no such file, or it cannot be read"
    }
    return isDirectory.boolValue ? "is a directory, not a file" : "cannot be read"
  }

  static func read(_ path: String) throws -> Trace {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw Failure.badTrace("\(path): \(TraceFile.whyUnreadable(path))").exit()
    }
    let decoder = JSONDecoder()
    var trace: Trace? = try? decoder.decode(Trace.self, from: data)
    if trace == nil, let text = String(data: data, encoding: .utf8) {
      for line in text.split(separator: "\n") {
        if let record = try? decoder.decode(JSONLinesReport.ViolationRecord.self, from: Data(line.utf8)),
          record.kind == "violation"
        {
          trace = record.trace
          break
        }
      }
    }
    guard let trace else {
      throw Failure.badTrace(
        "\(path): not a trace: expected a trace JSON object or a JSON Lines report with a violation record"
      ).exit()
    }
    guard trace.version == Trace.formatVersion else {
      throw Failure.badTrace(
        "\(path): trace format version \(trace.version) is not supported (this eptcheck reads version \(Trace.formatVersion))"
      ).exit()
    }
    return trace
  }
}
