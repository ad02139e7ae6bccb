/// How many runs ended with each verdict: the closing line of the text report and the JSON
/// summary record count them the same way.
struct VerdictTally {
  var asExpected = 0
  var unexpected = 0
  var inconclusive = 0
  var partial = 0

  init(_ runs: [ScenarioRun]) {
    for run in runs {
      switch run.verdict {
      case .asExpected: asExpected += 1
      case .unexpected: unexpected += 1
      case .inconclusive: inconclusive += 1
      case .partial: partial += 1
      }
    }
  }
}
