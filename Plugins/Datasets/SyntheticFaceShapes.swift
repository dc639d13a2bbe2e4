// Implicit 2-D shapes for the synthetic-face rasterizer.
//
// Each shape is a field that is negative inside and positive outside, close to the Euclidean
// distance to the outline near it (in face units). The canvas turns that into anti-aliased coverage
// (distance over the local gradient gives the sub-pixel position of the edge), so every shape gets
// smooth edges at any image size without supersampling. Fields only need to be exact in sign and
// roughly distance-like: gradient magnitude between about 0.3 and 4 near the outline, and nowhere
// changing faster than 4 times the distance moved (the canvas skips or fills whole tiles on that
// promise).

/// An axis-aligned box in face units; shapes report one so the canvas visits only nearby pixels.
struct SyntheticFaceBox {
    var minX: Float, minY: Float, maxX: Float, maxY: Float

    static let everything = SyntheticFaceBox(minX: -1e6, minY: -1e6, maxX: 1e6, maxY: 1e6)

    func expanded(by r: Float) -> SyntheticFaceBox {
        SyntheticFaceBox(minX: minX - r, minY: minY - r, maxX: maxX + r, maxY: maxY + r)
    }
    func intersected(_ o: SyntheticFaceBox) -> SyntheticFaceBox {
        SyntheticFaceBox(minX: max(minX, o.minX), minY: max(minY, o.minY), maxX: min(maxX, o.maxX), maxY: min(maxY, o.maxY))
    }
    func union(_ o: SyntheticFaceBox) -> SyntheticFaceBox {
        SyntheticFaceBox(minX: min(minX, o.minX), minY: min(minY, o.minY), maxX: max(maxX, o.maxX), maxY: max(maxY, o.maxY))
    }
}

/// A region given by an approximately distance-like implicit field.
protocol SyntheticFaceShape {
    /// Negative inside, positive outside, roughly the distance to the outline near it.
    func distance(_ x: Float, _ y: Float) -> Float
    /// A box containing the region.
    var bounds: SyntheticFaceBox { get }
    /// True when the field is (close to) a true distance near the outline, so its gradient has
    /// length 1 and the canvas can skip measuring it.
    var isDistance: Bool { get }
}

extension SyntheticFaceShape {
    var isDistance: Bool { false }
}

/// A rotated ellipse, with the first-order distance estimate f / |grad f| of its implicit equation.
struct SyntheticFaceEllipse: SyntheticFaceShape {
    let cx: Float, cy: Float, rx: Float, ry: Float
    let c: Float, s: Float
    var isDistance: Bool { true }

    init(_ cx: Float, _ cy: Float, _ rx: Float, _ ry: Float, angle: Float = 0) {
        self.cx = cx; self.cy = cy; self.rx = max(rx, 1e-4); self.ry = max(ry, 1e-4)
        c = SyntheticFaceMath.cos(angle); s = SyntheticFaceMath.sin(angle)
    }

    @inline(__always)
    func distance(_ x: Float, _ y: Float) -> Float {
        let dx = x - cx, dy = y - cy
        let u = c * dx + s * dy, v = c * dy - s * dx
        return SyntheticFaceEllipse.estimate(u, v, rx, ry)
    }

    /// Distance estimate to the axis-aligned ellipse with half-axes (rx, ry) at the origin.
    @inline(__always)
    static func estimate(_ u: Float, _ v: Float, _ rx: Float, _ ry: Float) -> Float {
        let qx = u / rx, qy = v / ry
        let k = (qx * qx + qy * qy).squareRoot()
        let gx = qx / rx, gy = qy / ry
        let g = (gx * gx + gy * gy).squareRoot()
        if g < 1e-6 { return -min(rx, ry) }
        return (k - 1) * k / g
    }

    var bounds: SyntheticFaceBox {
        let hx = (rx * rx * c * c + ry * ry * s * s).squareRoot()
        let hy = (rx * rx * s * s + ry * ry * c * c).squareRoot()
        return SyntheticFaceBox(minX: cx - hx, minY: cy - hy, maxX: cx + hx, maxY: cy + hy)
    }
}

/// An ellipse whose outline carries `bumps` round bulges of height `amplitude` (curly hair).
///
/// The bulges are placed by a pseudo-angle (a monotonic, division-only stand-in for atan2), so
/// they are slightly uneven in size, which suits hair.
struct SyntheticFaceBumpyEllipse: SyntheticFaceShape {
    let ellipse: SyntheticFaceEllipse, bumps: Float, amplitude: Float

    func distance(_ x: Float, _ y: Float) -> Float {
        let u = (x - ellipse.cx) / ellipse.rx, v = (y - ellipse.cy) / ellipse.ry
        let norm = max(abs(u) + abs(v), 1e-6)
        let a = u / norm, b = v / norm
        let turn = (b >= 0 ? 1 - a : 3 + a) / 4            // in [0, 1) once around
        let t = SyntheticFaceMath.fraction(turn * bumps)
        return ellipse.distance(x, y) - amplitude * 4 * t * (1 - t)
    }

    var bounds: SyntheticFaceBox { ellipse.bounds.expanded(by: amplitude) }
}

/// A head outline: an ellipse with different half-heights above and below its centre, whose width
/// tapers towards the chin by `jaw` (0 keeps the oval, 0.35 gives a narrow, pointed chin).
struct SyntheticFaceHead: SyntheticFaceShape {
    let cx: Float, cy: Float, rx: Float, top: Float, bottom: Float, jaw: Float

    func distance(_ x: Float, _ y: Float) -> Float {
        let dy = y - cy
        let t = max(0, min(dy / bottom, 1))
        let width = rx * (1 - jaw * t * t)
        return SyntheticFaceEllipse.estimate(x - cx, dy, width, dy < 0 ? top : bottom)
    }

    var bounds: SyntheticFaceBox {
        SyntheticFaceBox(minX: cx - rx, minY: cy - top, maxX: cx + rx, maxY: cy + bottom)
    }
}

/// A stroke along a polyline whose half-width is interpolated along it (tapered brows, lid lines).
struct SyntheticFaceStroke: SyntheticFaceShape {
    let xs: [Float], ys: [Float], halfWidths: [Float]
    let bounds: SyntheticFaceBox
    var isDistance: Bool { true }

    init(xs: [Float], ys: [Float], halfWidths: [Float]) {
        self.xs = xs; self.ys = ys; self.halfWidths = halfWidths
        let w = halfWidths.max() ?? 0
        bounds = SyntheticFaceBox(minX: xs.min()! - w, minY: ys.min()! - w, maxX: xs.max()! + w, maxY: ys.max()! + w)
    }

    /// A quadratic Bezier curve from `start` through the control point `control` to `end`, sampled
    /// into `segments` pieces, with half-widths varying quadratically through `widths`.
    static func curve(_ start: (Float, Float), _ control: (Float, Float), _ end: (Float, Float),
                      widths: (Float, Float, Float), segments: Int = 8) -> SyntheticFaceStroke {
        var xs: [Float] = [], ys: [Float] = [], ws: [Float] = []
        for i in 0...segments {
            let t = Float(i) / Float(segments), a = (1 - t) * (1 - t), b = 2 * t * (1 - t), c = t * t
            xs.append(a * start.0 + b * control.0 + c * end.0)
            ys.append(a * start.1 + b * control.1 + c * end.1)
            ws.append(a * widths.0 + b * widths.1 + c * widths.2)
        }
        return SyntheticFaceStroke(xs: xs, ys: ys, halfWidths: ws)
    }

    func distance(_ x: Float, _ y: Float) -> Float {
        var best = Float.greatestFiniteMagnitude
        for i in 0..<(xs.count - 1) {
            let ax = xs[i], ay = ys[i], bx = xs[i + 1] - ax, by = ys[i + 1] - ay
            let px = x - ax, py = y - ay
            let len2 = bx * bx + by * by
            let t = len2 > 0 ? max(0, min((px * bx + py * by) / len2, 1)) : 0
            let ex = px - bx * t, ey = py - by * t
            let d = (ex * ex + ey * ey).squareRoot() - (halfWidths[i] + (halfWidths[i + 1] - halfWidths[i]) * t)
            best = min(best, d)
        }
        return best
    }
}

/// A lip-like band between two parabolic arcs meeting at the mouth corners: the centre line is
/// `y0 - bend * u^2` (u = (x - cx) / halfWidth, so positive bend lifts the corners), the band reaches
/// `top * (1 - u^2)` above it (with a central dip of fraction `bow`, the cupid's bow) and
/// `bottom * (1 - u^2)` below it.
struct SyntheticFaceLipBand: SyntheticFaceShape {
    let cx: Float, y0: Float, halfWidth: Float, bend: Float, top: Float, bottom: Float, bow: Float

    func distance(_ x: Float, _ y: Float) -> Float {
        let dx = x - cx, u = dx / halfWidth
        let cornerY = y0 - bend
        if abs(u) >= 1 {
            let ex = abs(dx) - halfWidth, ey = y - cornerY
            return (ex * ex + ey * ey).squareRoot()
        }
        let t = 1 - u * u, mid = y0 - bend * u * u
        let dip = 1 - bow / (1 + 40 * u * u)
        return max(mid - top * t * dip - y, y - mid - bottom * t)
    }

    var bounds: SyntheticFaceBox {
        SyntheticFaceBox(minX: cx - halfWidth, minY: y0 - abs(bend) - top, maxX: cx + halfWidth, maxY: y0 + abs(bend) + bottom)
    }
}

/// An axis-aligned box with rounded corners (exact signed distance).
struct SyntheticFaceRoundedBox: SyntheticFaceShape {
    let cx: Float, cy: Float, hx: Float, hy: Float, radius: Float
    var isDistance: Bool { true }

    func distance(_ x: Float, _ y: Float) -> Float {
        let qx = abs(x - cx) - hx + radius, qy = abs(y - cy) - hy + radius
        let ox = max(qx, 0), oy = max(qy, 0)
        return (ox * ox + oy * oy).squareRoot() + min(max(qx, qy), 0) - radius
    }

    var bounds: SyntheticFaceBox { SyntheticFaceBox(minX: cx - hx, minY: cy - hy, maxX: cx + hx, maxY: cy + hy) }
}

/// The side of a curve `y = base + vee * max(|x| - knee, 0) + curvature * x^2 + quartic * x^4 + slope * x
/// + ragged * scallop(x / period)`: above it (smaller y) when `above`, else below. Used for hairlines
/// and the top edge of beards;
/// `scallop` is a row of parabolic arches (0 at multiples of the period, 1 between), which gives a
/// fringe or beard edge its strands.
struct SyntheticFaceCurveSide: SyntheticFaceShape {
    let base: Float, vee: Float, knee: Float, curvature: Float, quartic: Float, slope: Float
    let ragged: Float, period: Float, above: Bool

    init(base: Float, vee: Float = 0, knee: Float = 0, curvature: Float = 0, quartic: Float = 0, slope: Float = 0,
         ragged: Float = 0, period: Float = 1, above: Bool) {
        self.base = base; self.vee = vee; self.knee = knee
        self.curvature = curvature; self.quartic = quartic; self.slope = slope
        self.ragged = ragged; self.period = period; self.above = above
    }

    func distance(_ x: Float, _ y: Float) -> Float {
        let x2 = x * x
        let outside = abs(x) - knee
        var h = base + vee * max(outside, 0) + (curvature + quartic * x2) * x2 + slope * x
        if ragged != 0 {
            let t = SyntheticFaceMath.fraction(x / period)
            h += ragged * 4 * t * (1 - t)
        }
        // The vertical offset: at most sqrt(1 + slope^2) times the distance, which stays within the
        // canvas's bound of 4 for the slopes hairlines and beards use (below about 3.5).
        return above ? y - h : h - y
    }

    var bounds: SyntheticFaceBox { .everything }
}

/// Points inside both shapes. Put the smaller (more selective) shape first: where it is far
/// outside (beyond `farOutside`, wider than any anti-aliasing or softness band the painter uses)
/// its distance is returned without evaluating the second shape, since the point is uncovered
/// either way.
struct SyntheticFaceIntersection<A: SyntheticFaceShape, B: SyntheticFaceShape>: SyntheticFaceShape {
    let a: A, b: B
    static var farOutside: Float { 0.3 }
    init(_ a: A, _ b: B) { self.a = a; self.b = b }
    func distance(_ x: Float, _ y: Float) -> Float {
        let da = a.distance(x, y)
        return da > Self.farOutside ? da : max(da, b.distance(x, y))
    }
    var bounds: SyntheticFaceBox { a.bounds.intersected(b.bounds) }
    var isDistance: Bool { a.isDistance && b.isDistance }
}

/// Points inside either shape.
struct SyntheticFaceUnion<A: SyntheticFaceShape, B: SyntheticFaceShape>: SyntheticFaceShape {
    let a: A, b: B
    init(_ a: A, _ b: B) { self.a = a; self.b = b }
    func distance(_ x: Float, _ y: Float) -> Float { min(a.distance(x, y), b.distance(x, y)) }
    var bounds: SyntheticFaceBox { a.bounds.union(b.bounds) }
    var isDistance: Bool { a.isDistance && b.isDistance }
}

/// A thin distance-field shape (a hair strand) masked by a larger region: inside where both are,
/// with anti-aliasing only along the first shape's outline. The mask edge is hard, which is
/// invisible for faint details, and far from the first shape the mask is not evaluated at all.
/// Masked-out points report a small positive value (0.04, more than half a pixel at the usual
/// sizes) so that they stay uncovered without making the canvas skip whole tiles because of the mask.
struct SyntheticFaceClipped<A: SyntheticFaceShape, M: SyntheticFaceShape>: SyntheticFaceShape {
    let shape: A, mask: M
    func distance(_ x: Float, _ y: Float) -> Float {
        let d = shape.distance(x, y)
        if d > 0.04 { return d }
        return mask.distance(x, y) < 0 ? d : 0.04
    }
    var bounds: SyntheticFaceBox { shape.bounds.intersected(mask.bounds) }
    var isDistance: Bool { true }
}

/// Points outside a shape (only meaningful inside an intersection, which bounds it).
struct SyntheticFaceOutside<A: SyntheticFaceShape>: SyntheticFaceShape {
    let a: A
    init(_ a: A) { self.a = a }
    func distance(_ x: Float, _ y: Float) -> Float { -a.distance(x, y) }
    var isDistance: Bool { a.isDistance }
    var bounds: SyntheticFaceBox { .everything }
}

/// A band of half-width `halfWidth` around a shape's outline (glasses rims).
struct SyntheticFaceOutline<A: SyntheticFaceShape>: SyntheticFaceShape {
    let a: A, halfWidth: Float
    func distance(_ x: Float, _ y: Float) -> Float { abs(a.distance(x, y)) - halfWidth }
    var isDistance: Bool { a.isDistance }
    var bounds: SyntheticFaceBox { a.bounds.expanded(by: halfWidth) }
}
