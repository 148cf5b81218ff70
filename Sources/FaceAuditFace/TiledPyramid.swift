/// dlib's tiled image pyramid for `input_rgb_image_pyramid<pyramid_down<6>>`: every level of a 5/6
/// pyramid packed into one tensor, level 0 on the left, the rest stacked down the first column and then
/// up the right edge, separated by `padding` and framed by `outerPadding`.
public struct TiledPyramid: Sendable {
    /// Tensor rows.
    public let rows: Int
    /// Tensor columns.
    public let cols: Int
    /// Each kept level's rectangle in the tensor (inclusive).
    public let rects: [(left: Int, top: Int, right: Int, bottom: Int)]
    /// How many levels (0, 1, …) stack down the first column; the rest go up the right edge.
    public let firstColumn: Int

    /// Level sizes of a `pyramid_down<6>` pyramid: ⌊5/6⌋ steps while the level has at least 5 rows.
    public static func levelSizes(width: Int, height: Int) -> [(width: Int, height: Int)] {
        var sizes = [(width, height)]
        var w = width
        var h = height
        while true {
            w = w * 5 / 6
            h = h * 5 / 6
            guard w * h > 0, h >= 5 else { break }
            sizes.append((w, h))
        }
        return sizes
    }

    /// Lays out the levels for an image of the given size (dlib's `compute_tiled_image_pyramid_details`).
    public init(width w0: Int, height h0: Int, padding p: Int, outerPadding o: Int) {
        let sizes = Self.levelSizes(width: w0, height: h0)
        let totalHeight = sizes.reduce(0) { $0 + $1.height + p } - 2 * p
        var height = 0
        var previousWidth = 0
        for size in sizes {
            if size.width <= w0 - previousWidth - p && (height - h0) * 2 >= totalHeight - h0 { break }
            height += size.height + p
            previousWidth = size.width
        }
        height -= p
        rows = height + 2 * o
        cols = w0 + 2 * o
        var rects: [(Int, Int, Int, Int)] = []
        var y = o
        var i = 0
        while y < height + o && i < sizes.count {
            rects.append((o, y, o + sizes[i].width - 1, y + sizes[i].height - 1))
            y += sizes[i].height + p
            i += 1
        }
        firstColumn = i
        y -= p
        while i < sizes.count {
            let r = (o + w0 - sizes[i].width, y - sizes[i].height, o + w0 - 1, y - 1)
            let first = rects[0]
            let intersects = r.0 <= first.2 && first.0 <= r.2 && r.1 <= first.3 && first.1 <= r.3
            if intersects { break }
            rects.append(r)
            y -= sizes[i].height + p
            i += 1
        }
        self.rects = rects
    }
}
