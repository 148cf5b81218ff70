/// One subject's skin-tone label: the median over that subject's measured images, with the spread.
///
/// The label is the median ITA and the median Monk index (the lower middle value for an even count, so
/// that a label is always a tone that was measured). Images whose estimate was unknown do not vote.
/// A subject whose images disagree by more than one Monk step is flagged: the label is then more
/// about the photos than about the person.
public struct SubjectSkinTone: Sendable, Hashable, Codable {
    /// Median ITA in degrees.
    public let ita: Double
    /// Chardon's category of the median ITA.
    public let category: String
    /// Median Monk index (1 … 10).
    public let monk: Int
    /// Lowest and highest Monk index measured.
    public let monkRange: ClosedRange<Int>
    /// Lowest and highest ITA measured.
    public let itaRange: ClosedRange<Double>
    /// Images that contributed.
    public let images: Int

    /// The Monk grouping of the median.
    public var monkGroup: String { SkinToneEstimate.monkGroup(monk) }

    /// Whether the images disagree by more than one Monk step.
    public var isInconsistent: Bool { monkRange.upperBound - monkRange.lowerBound > 1 }

    /// Combines a subject's estimates; `nil` when none of its images could be measured.
    public init?(_ estimates: [SkinToneEstimate]) {
        guard !estimates.isEmpty else { return nil }
        func lowerMedian<T: Comparable>(_ values: [T]) -> T { values.sorted()[(values.count - 1) / 2] }
        let itas = estimates.map(\.ita).sorted()
        let middle = itas.count / 2
        ita = itas.count % 2 == 1 ? itas[middle] : (itas[middle - 1] + itas[middle]) / 2
        category = SkinToneEstimate.category(ita: ita)
        monk = lowerMedian(estimates.map(\.monk))
        monkRange = estimates.map(\.monk).min()!...estimates.map(\.monk).max()!
        itaRange = itas.first!...itas.last!
        images = estimates.count
    }
}
