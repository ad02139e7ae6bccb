import Explorer
import Foundation
import Spec

/// The machine report: JSON Lines, one record per line, each with `version` and `kind`
/// (`run`, `scenario`, `violation`, `summary`). Documented in docs/json.md.
struct JSONLinesReport {
  static let formatVersion = 1

  struct RunRecord: Codable {
    var version = JSONLinesReport.formatVersion
    var kind = "run"
    var eptcheck: String
    var paths: [String]
    var strategy: String
    var depth: Int?
    var jobs: Int
    var shard: String?
    /// `--require-complete`, which `merge` needs to judge a scenario from its parts.
    var requireComplete: Bool?
    /// What else makes two runs comparable, which `merge` checks: the specs' content hash,
    /// the stateful search's state budget and whether it used hash compaction.
    var specHash: String?
    var stateBudget: Int?
    var hashCompaction: Bool?
    /// The kernel release checked (`--kernel`); nil for mainline.
    var kernel: String? = nil
    /// The spec paths relative to the report file's directory, so that `eptcheck replay` finds
    /// them from any directory; nil when the report went to standard output.
    var specFromReport: [String]? = nil
    /// The directory the run was made in, relative to the report file's directory: replay
    /// works from there, so that paths in messages read as they did in the run.
    var directoryFromReport: String? = nil
  }

  struct ScenarioRecord: Codable {
    var version = JSONLinesReport.formatVersion
    var kind = "scenario"
    var name: String
    var location: SourceLocation
    var expectation: String
    /// The kinds besides the expected one that a bug variant allows (`expect violation a, b;`);
    /// nil when none.
    var alsoExpected: [String]?
    var verdict: String
    var reason: String?
    var completeness: String
    var verified: Bool
    /// The strategy that produced the result (under `auto`, `stateful` or `dpor`).
    var strategy: String?
    /// `I/N` when this record covers only shard `I`'s subtrees of the scenario.
    var part: String?
    var statistics: Statistics
    var violations: [Violation]
    /// The most resident memory the eptcheck process had held when the scenario's check ended,
    /// in bytes (`getrusage`'s `ru_maxrss`; with `--jobs`, the whole process's).
    var peakResidentBytes: Int?
    /// true for a scenario built from the actor catalogue; absent for a hand-written one.
    var synthesized: Bool? = nil
  }

  struct ViolationRecord: Codable {
    var version = JSONLinesReport.formatVersion
    var kind = "violation"
    var scenario: String
    /// The part of a split scenario whose search found it (see `ScenarioRecord.part`).
    var part: String?
    var violation: Violation
    var trace: Trace
    var compact: String
    /// The invisible steps each thread ran before the first step; nil when none did.
    var invisibleAtStart: [[String]]?
    var steps: [RenderedTrace.Step]
    /// The threads the violation is about: where each stood, its call stack and held locks,
    /// and for a deadlock what it waits for; nil when none is (a `finally` check).
    var culprits: [RenderedTrace.Culprit]? = nil
  }

  struct SummaryRecord: Codable {
    var version = JSONLinesReport.formatVersion
    var kind = "summary"
    var scenarios: Int
    var asExpected: Int
    var unexpected: Int
    var inconclusive: Int
    /// Scenarios of which this report holds one part, to be merged.
    var partial: Int?
    var executions: Int
    var transitions: Int
    var elapsed: Double
    /// The signal that ended the run early, and how many scenarios it never started.
    var interrupted: String? = nil
    var notStarted: Int? = nil
    /// How many of the scenarios were synthesized; absent when none were.
    var synthesized: Int? = nil
  }

  /// `patch-coverage`: the functions a patch overrides, whether each ran and raced.
  struct PatchCoverageRecord: Codable {
    var version = JSONLinesReport.formatVersion
    var kind = "patch-coverage"
    var patch: String
    var functions: [PatchCoverage.Function]
  }

  static func expectationText(_ expectation: Expectation) -> String {
    switch expectation {
    case .ok: return "ok"
    case .violation(let kind): return "violation \(kind)"
    }
  }

  func render(_ runs: [ScenarioRun], _ header: ReportHeader) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    var lines: [String] = []
    func emit<T: Encodable>(_ record: T) {
      if let data = try? encoder.encode(record), let text = String(data: data, encoding: .utf8) {
        lines.append(text)
      }
    }
    emit(
      RunRecord(
        eptcheck: header.version, paths: header.paths, strategy: header.strategy,
        depth: header.depth, jobs: header.jobs, shard: header.shard,
        requireComplete: header.requireComplete, specHash: header.specHash,
        stateBudget: header.stateBudget, hashCompaction: header.hashCompaction,
        kernel: header.kernel, specFromReport: header.specFromReport,
        directoryFromReport: header.directoryFromReport))
    for run in runs {
      let reason = run.verdict.reason
      emit(
        ScenarioRecord(
          name: run.scenario.name, location: run.scenario.location,
          expectation: Self.expectationText(run.scenario.expectation),
          alsoExpected: run.scenario.alsoExpected.isEmpty ? nil : run.scenario.alsoExpected,
          verdict: run.verdict.word.lowercased(), reason: reason,
          completeness: run.completeness, verified: run.result.isVerified,
          strategy: run.result.strategy.name, part: run.part,
          statistics: run.result.statistics,
          violations: run.result.counterexamples.map(\.violation),
          peakResidentBytes: run.peakResidentBytes,
          synthesized: run.scenario.isSynthesized ? true : nil))
      for trace in run.traces {
        emit(
          ViolationRecord(
            scenario: run.scenario.name, part: run.part, violation: trace.violation,
            trace: trace.trace,
            compact: trace.trace.description,
            invisibleAtStart: trace.invisibleAtStart.allSatisfy(\.isEmpty)
              ? nil : trace.invisibleAtStart,
            steps: trace.steps, culprits: trace.culprits.isEmpty ? nil : trace.culprits))
      }
    }
    let tally = VerdictTally(runs)
    emit(
      SummaryRecord(
        scenarios: runs.count, asExpected: tally.asExpected, unexpected: tally.unexpected,
        inconclusive: tally.inconclusive, partial: tally.partial == 0 ? nil : tally.partial,
        executions: runs.reduce(0) { $0 + $1.result.statistics.executions },
        transitions: runs.reduce(0) { $0 + $1.result.statistics.transitions },
        elapsed: header.elapsed, interrupted: header.interrupted,
        notStarted: header.interrupted == nil ? nil : header.scenariosNotChecked,
        synthesized: runs.contains(where: \.scenario.isSynthesized)
          ? runs.filter(\.scenario.isSynthesized).count : nil))
    if let coverage = header.patchCoverage {
      emit(PatchCoverageRecord(patch: coverage.patch, functions: coverage.functions))
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
