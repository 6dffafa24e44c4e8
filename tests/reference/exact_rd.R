# Reference values for the exact unconditional risk-difference intervals (Santner-Snell and
# Chan-Zhang) of tests/test_proportions_exact_rd.py.
#
# Run from this directory with `Rscript exact_rd.R` (or `make reference`). Writes exact_rd.csv.
# Takes about 40 minutes on a loaded 2-core machine (the Chan-Zhang bounds come from dense scans).
#
# Neither exact2x2 nor PropCIs is packaged for Debian, so the intervals are computed here by brute
# force from their definition (Santner & Snell, JASA 1980; Chan & Zhang, Biometrics 1999; as SAS
# PROC FREQ EXACT RISKDIFF(METHOD=NOSCORE / METHOD=SCORE) and StatXact), independently of the
# package's code:
#
#   P_U(d) = max over p2 in [max(0, -d), min(1, 1 - d)] of
#            sum over all tables a with T(a) >= T(obs) of dbinom(a1, n1, p2 + d) dbinom(a2, n2, p2)
#   lower  = inf {d : P_U(d) > alpha/2},   upper = sup {d : P_L(d) > alpha/2}  (P_L: T(a) <= T(obs)).
#
# T is a1/n1 - a2/n2 (Santner-Snell, compared in integers, a1 n2 - a2 n1) or the score statistic
# (a1/n1 - a2/n2 - d) / sqrt(r1 (1 - r1) / n1 + r2 (1 - r2) / n2), (r1, r2) the maximum likelihood
# estimates under p1 - p2 = d (Chan-Zhang). Here the restricted MLE is the root of the score
# equation in p2, found by bisection for all tables at once (the package uses Farrington &
# Manning's closed form); statistics within 1e-9 (relative) of the observed one are ties (the
# package's rule; exact2x2 rounds to 10 decimals).
#
# The package searches differently on purpose:
# - the maximum over p2: here every tail is evaluated on 2001 equally spaced points of the
#   admissible range (dbinom, matrix products), and each local maximum within 10% of the largest
#   is refined with optimize() between its neighbours (tol 1e-12); the package uses a coarser
#   grid of the whole [0, 1] and Newton steps with analytic derivatives;
# - the bounds: Santner-Snell's P_U rises with d, so uniroot (tol 1e-13); for Chan-Zhang, whose
#   tail jumps as the ordering of the tables changes with d (a saw-tooth near the bound), P_U is
#   evaluated at every d = -1 + k / 250 until it first exceeds alpha/2, then again every 1e-4
#   from where it was last below alpha/4 (see lower_bound), and the first crossing is bisected
#   (to 1e-12); the package halves intervals and discards those whose tail is bounded below
#   alpha/2.
options(digits = 17)

score_stat <- function(a1, n1, a2, n2, d) {
  # score statistic for every table (vectors a1, a2) under p1 - p2 = d
  p1h <- a1 / n1
  p2h <- a2 / n2
  lo <- rep(max(0, -d), length(a1))
  hi <- rep(min(1, 1 - d), length(a1))
  # d/dp2 of the log-likelihood with p1 = p2 + d: decreasing in p2 (the log-likelihood is concave).
  # Strictly inside the range p2 and p2 + d are strictly inside (0, 1), so every term is finite.
  slope <- function(p) {
    q <- p + d
    a1 / q - (n1 - a1) / (1 - q) + a2 / p - (n2 - a2) / (1 - p)
  }
  for (i in 1:64) {
    mid <- (lo + hi) / 2
    s <- slope(mid)
    s[is.nan(s)] <- 0  # d = -1 or 1: a single admissible point
    up <- s > 0
    lo[up] <- mid[up]
    hi[!up] <- mid[!up]
  }
  r2 <- (lo + hi) / 2
  r1 <- r2 + d
  # 1 - r1 >= -d and 1 - r2 >= d: kept so that a tiny d is not lost when r1 or r2 rounds to 1
  # (1 - (1 + d) = 0 would make the variance 0 and the statistic infinite)
  v <- r1 * pmax(1 - r1, -d, 0) / n1 + r2 * pmax(1 - r2, d, 0) / n2
  num <- p1h - p2h - d
  z <- num / sqrt(pmax(v, 0))
  z[v <= 0 & num == 0] <- 0
  z[v <= 0 & num != 0] <- sign(num[v <= 0 & num != 0]) * Inf
  z
}

region <- function(x1, n1, x2, n2, d, method) {
  a1 <- rep(0:n1, times = n2 + 1)
  a2 <- rep(0:n2, each = n1 + 1)
  if (method == "santner-snell") {
    inside <- a1 * n2 - a2 * n1 >= x1 * n2 - x2 * n1
  } else {
    z <- score_stat(a1, n1, a2, n2, d)
    z0 <- z[a1 == x1 & a2 == x2]
    tol <- if (is.finite(z0)) 1e-9 * max(1, abs(z0)) else 0
    inside <- z >= z0 - tol
  }
  matrix(as.numeric(inside), n1 + 1, n2 + 1)  # rows a1 = 0..n1, columns a2 = 0..n2
}

binom_matrix <- function(p, n) {
  # dbinom(k, n, p) for k = 0..n (columns) at the points p (rows); on a whole grid by its log
  # (about 1e-13 relative, only used to find the maximum), at single points by dbinom
  if (length(p) == 1) return(matrix(dbinom(0:n, n, p), 1))
  k <- 0:n
  logs <- outer(log(p), k) + outer(log1p(-p), n - k)
  logs[is.nan(logs)] <- -Inf  # 0 * log(0)
  logs[p == 0, 1] <- 0
  logs[p == 1, n + 1] <- 0
  exp(sweep(logs, 2, lchoose(n, k), "+"))
}

tail_prob <- function(M, n1, n2, d, p2) {
  # P(region | p1 = p2 + d, p2) at the points p2
  B1 <- binom_matrix(pmin(1, pmax(0, p2 + d)), n1)
  B2 <- binom_matrix(p2, n2)
  rowSums((B1 %*% M) * B2)
}

upper_tail <- function(x1, n1, x2, n2, d, method, above = Inf) {
  # With `above`, the grid maximum is returned as soon as it shows on which side of `above` the
  # tail lies: above it, or below 0.99 * above (refining adds far less than 1% on this grid).
  M <- region(x1, n1, x2, n2, d, method)
  lo <- max(0, -d)
  hi <- min(1, 1 - d)
  if (hi - lo <= 1e-12) return(min(1, tail_prob(M, n1, n2, d, lo)))
  g <- seq(lo, hi, length.out = 2001)
  v <- tail_prob(M, n1, n2, d, g)
  if (max(v) > above || max(v) < 0.99 * above) return(max(v))
  k <- seq_along(v)
  left <- c(-Inf, v[-length(v)])
  right <- c(v[-1], -Inf)
  peaks <- k[v >= left & v >= right & v >= 0.9 * max(v)]
  best <- max(v)
  for (p in peaks) {
    a <- g[max(p - 1, 1)]
    b <- g[min(p + 1, length(g))]
    opt <- optimize(function(q) tail_prob(M, n1, n2, d, q), c(a, b), maximum = TRUE, tol = 1e-12)
    best <- max(best, opt$objective)
  }
  min(1, best)
}

lower_bound <- function(x1, n1, x2, n2, level, method) {
  h <- (1 - level) / 2
  f <- function(d) upper_tail(x1, n1, x2, n2, d, method, above = h) - h
  if (f(-1) > 0) return(-1)
  if (method == "santner-snell") {
    return(uniroot(f, c(-1, 1), tol = 1e-13, maxiter = 1000)$root)
  }
  # At d = -1 the score statistic is degenerate (every table but (0, n2) is infinite): the scans
  # start just inside. Coarse scan (step 1/250) to the first d where P_U > alpha/2; the saw-tooth
  # lives where P_U is near alpha/2, so the stretch from the last coarse point where P_U was below
  # alpha/4 is scanned again with step 1e-4 (the narrowest tooth seen, 40/78 vs 5/17, is 3e-4
  # wide), and the first crossing found is bisected.
  coarse <- seq(-1 + 1 / 250, 1, by = 1 / 250)
  far <- -1 + 1e-9
  hit <- NA
  for (d in coarse) {
    v <- upper_tail(x1, n1, x2, n2, d, method, above = h)
    if (v > h) {
      hit <- d
      break
    }
    if (v < h / 2) far <- d
  }
  if (is.na(hit)) return(1)
  prev <- far
  for (d in c(seq(far + 1e-4, hit, by = 1e-4), hit)) {
    if (d > prev && f(d) > 0) {
      lo <- prev
      hi <- d
      while (hi - lo > 1e-12) {
        m <- (lo + hi) / 2
        if (f(m) > 0) hi <- m else lo <- m
      }
      return(hi)
    }
    prev <- d
  }
  hit
}

exact_rd <- function(x1, n1, x2, n2, level, method) {
  c(x1 / n1 - x2 / n2,
    lower_bound(x1, n1, x2, n2, level, method),
    -lower_bound(x2, n2, x1, n1, level, method))
}

# exact_rd_large.R sources the functions above without running what follows.
if (!exists("EXACT_RD_FUNCTIONS_ONLY")) {
tables <- rbind(
  c(44, 49, 26, 48), c(17, 20, 20, 23), c(27, 29, 6, 25),  # Saha et al. JAMA 2021 (printed SS)
  c(24, 61, 10, 35), c(9, 11, 4, 12), c(6, 13, 2, 7), c(13, 13, 0, 7),  # SAS / StatXact examples
  c(40, 78, 5, 17),  # Chan-Zhang's tail crosses alpha/2 four times near the lower bound
  c(0, 10, 0, 10), c(10, 10, 10, 10), c(0, 15, 5, 12), c(7, 7, 0, 9), c(1, 1, 0, 1), c(0, 1, 0, 1),
  c(5, 10, 5, 10), c(3, 6, 6, 12), c(1, 20, 1, 3), c(30, 60, 30, 60), c(59, 60, 1, 60),
  c(12, 60, 25, 58), c(0, 60, 3, 60), c(2, 5, 4, 5), c(7, 34, 1, 34)
)
set.seed(19990601)
random_tables <- t(replicate(9, {
  n1 <- sample(3:45, 1)
  n2 <- sample(3:45, 1)
  c(sample(0:n1, 1), n1, sample(0:n2, 1), n2)
}))
tables <- unique(rbind(tables, random_tables))

rows <- list()
for (k in seq_len(nrow(tables))) {
  t <- tables[k, ]
  levels <- if (k %% 5 == 0) c(0.95, 0.90) else 0.95
  for (lv in levels) {
    for (method in c("santner-snell", "chan-zhang")) {
      r <- exact_rd(t[1], t[2], t[3], t[4], lv, method)
      rows[[length(rows) + 1]] <- data.frame(count1 = t[1], nobs1 = t[2], count2 = t[3], nobs2 = t[4],
                                             level = lv, method = method,
                                             estimate = r[1], low = r[2], high = r[3])
      cat(sprintf("%d/%d vs %d/%d %.2f %s: %.8f %.8f\n", t[1], t[2], t[3], t[4], lv, method, r[2], r[3]))
    }
  }
}
# Santner & Snell's own example (section 4): 0/2 vs 2/2 at 90%
for (method in c("santner-snell", "chan-zhang")) {
  r <- exact_rd(0, 2, 2, 2, 0.90, method)
  rows[[length(rows) + 1]] <- data.frame(count1 = 0, nobs1 = 2, count2 = 2, nobs2 = 2, level = 0.90,
                                         method = method, estimate = r[1], low = r[2], high = r[3])
}
out <- do.call(rbind, rows)
write.csv(out, "exact_rd.csv", row.names = FALSE, na = "")
cat("wrote exact_rd.csv", nrow(out), "rows\n")
}
