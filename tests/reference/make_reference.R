# Reference values for the cross-checks in tests/test_r_reference.py.
#
# Run from this directory with `Rscript make_reference.R` (or `make reference` at the top level).
# Needs the Debian packages r-base-core r-cran-survival r-cran-metafor r-cran-epitools r-cran-cmprsk.
# Each section writes one CSV next to this script; the tests read the CSVs, so CI needs no R.
# Where no R package implements a method the formula is written out here from its reference.

suppressPackageStartupMessages({
  library(survival)
  library(metafor)
  library(epitools)
  library(cmprsk)
})
options(digits = 17)
write_ref <- function(df, file) {
  write.csv(df, file, row.names = FALSE, na = "")
  cat("wrote", file, nrow(df), "rows\n")
}
set.seed(20261124)

# ------------------------------------------------------------------------------------------
# 1. One proportion: confidence intervals
# ------------------------------------------------------------------------------------------
ci_grid <- do.call(rbind, lapply(c(1, 2, 3, 5, 10, 17, 30, 55, 92, 100, 1000), function(n) {
  xs <- unique(c(0, 1, floor(n / 2), ceiling(n / 2), n - 1, n, floor(n / 3), round(0.418 * n)))
  xs <- xs[xs >= 0 & xs <= n]
  expand.grid(count = xs, nobs = n)
}))
ci_grid <- merge(ci_grid, data.frame(level = c(0.95, 0.90)))

midp_ci <- function(x, n, level) {
  a2 <- (1 - level) / 2
  up_tail <- function(p) pbinom(x, n, p, lower.tail = FALSE) + 0.5 * dbinom(x, n, p)
  lo_tail <- function(p) pbinom(x - 1, n, p) + 0.5 * dbinom(x, n, p)
  lo <- if (x == 0) 0 else uniroot(function(p) up_tail(p) - a2, c(1e-15, 1 - 1e-15), tol = 1e-15)$root
  hi <- if (x == n) 1 else uniroot(function(p) lo_tail(p) - a2, c(1e-15, 1 - 1e-15), tol = 1e-15)$root
  c(lo, hi)
}

ci_rows <- list()
for (i in seq_len(nrow(ci_grid))) {
  x <- ci_grid$count[i]; n <- ci_grid$nobs[i]; lv <- ci_grid$level[i]
  z <- qnorm(1 - (1 - lv) / 2); p <- x / n
  add <- function(method, b) ci_rows[[length(ci_rows) + 1]] <<-
    data.frame(count = x, nobs = n, level = lv, method = method, low = b[1], high = b[2])
  add("clopper-pearson", binom.test(x, n, conf.level = lv)$conf.int)
  add("wilson", suppressWarnings(prop.test(x, n, conf.level = lv, correct = FALSE))$conf.int)
  add("wilson-cc", suppressWarnings(prop.test(x, n, conf.level = lv, correct = TRUE))$conf.int)
  add("jeffreys", c(if (x == 0) 0 else qbeta((1 - lv) / 2, x + 0.5, n - x + 0.5),
                    if (x == n) 1 else qbeta(1 - (1 - lv) / 2, x + 0.5, n - x + 0.5)))
  nt <- n + z^2; pt <- (x + z^2 / 2) / nt
  add("agresti-coull", c(max(0, pt - z * sqrt(pt * (1 - pt) / nt)), min(1, pt + z * sqrt(pt * (1 - pt) / nt))))
  add("wald", c(max(0, p - z * sqrt(p * (1 - p) / n)), min(1, p + z * sqrt(p * (1 - p) / n))))
  add("mid-p", midp_ci(x, n, lv))
  if (n > 1) {
    h <- qt(1 - (1 - lv) / 2, n - 1) * sd(c(rep(1, x), rep(0, n - x))) / sqrt(n)
    add("wald-t", c(max(0, p - h), min(1, p + h)))
  }
}
write_ref(do.call(rbind, ci_rows), "proportion_ci.csv")

# ------------------------------------------------------------------------------------------
# 2. Two proportions: tests and effect sizes
# ------------------------------------------------------------------------------------------
fixed_tables <- rbind(
  c(42, 64, 31, 42), c(20, 64, 12, 42), c(44, 67, 31, 42), c(21, 67, 12, 42), c(99, 168, 5, 85),
  c(110, 171, 5, 85), c(32, 49, 26, 49), c(15, 49, 6, 49), c(0, 10, 0, 10), c(10, 10, 10, 10),
  c(0, 10, 10, 10), c(3, 10, 0, 10), c(0, 12, 4, 9), c(7, 7, 2, 9), c(1, 1, 0, 1), c(0, 1, 0, 2),
  c(5, 10, 5, 10), c(4, 4, 2, 2), c(1, 20, 1, 3), c(450, 1000, 500, 1000), c(21, 96, 10, 101),
  c(65, 96, 41, 101), c(2, 3, 1, 3), c(6, 21, 12, 42)
)
random_tables <- t(replicate(40, {
  n1 <- sample(1:80, 1); n2 <- sample(1:80, 1)
  c(sample(0:n1, 1), n1, sample(0:n2, 1), n2)
}))
tables <- unique(rbind(fixed_tables, random_tables))
colnames(tables) <- c("count1", "nobs1", "count2", "nobs2")

fisher_midp <- function(x1, n1, x2, n2) {
  m <- x1 + x2; lo <- max(0, m - n2); hi <- min(n1, m)
  d <- dhyper(lo:hi, n1, n2, m); d <- d / sum(d)
  dobs <- d[x1 - lo + 1]; relErr <- 1 + 1e-7
  sum(d[d < dobs / relErr]) + 0.5 * sum(d[d <= dobs * relErr & !(d < dobs / relErr)])
}
g_test <- function(x1, n1, x2, n2) {
  o <- matrix(c(x1, n1 - x1, x2, n2 - x2), 2, byrow = TRUE)
  e <- outer(rowSums(o), colSums(o)) / sum(o)
  g <- 2 * sum(ifelse(o > 0, o * log(o / e), 0))
  c(g, pchisq(g, 1, lower.tail = FALSE))
}
# Unconditional exact tests: p(pi) summed over the rejection region, maximised over the nuisance
# proportion pi on a fine grid, then refined with optimize() around the best grid point.
sup_pvalue <- function(region, n1, n2) {
  i <- 0:n1; j <- 0:n2
  f <- function(pp) sum(outer(dbinom(i, n1, pp), dbinom(j, n2, pp)) * region)
  grid <- seq(0, 1, length.out = 2001)
  vals <- vapply(grid, f, 0)
  k <- which.max(vals)
  lo <- grid[max(1, k - 1)]; hi <- grid[min(length(grid), k + 1)]
  best <- optimize(f, c(lo, hi), maximum = TRUE, tol = 1e-12)
  min(1, max(vals[k], best$objective))
}
barnard <- function(x1, n1, x2, n2) {
  i <- 0:n1; j <- 0:n2
  p1 <- outer(i / n1, rep(1, n2 + 1)); p2 <- outer(rep(1, n1 + 1), j / n2)
  pp <- (outer(i, rep(1, n2 + 1)) + outer(rep(1, n1 + 1), j)) / (n1 + n2)
  tt <- (p1 - p2) / sqrt(pp * (1 - pp) * (1 / n1 + 1 / n2))
  tt[p1 == p2] <- 0
  tobs <- tt[x1 + 1, x2 + 1]
  c(tobs, sup_pvalue(abs(tt) >= abs(tobs), n1, n2))
}
boschloo <- function(x1, n1, x2, n2) {
  i <- 0:n1; j <- 0:n2
  s <- outer(i, j, "+")
  less <- matrix(phyper(rep(i, n2 + 1), n1, n2, as.vector(s)), n1 + 1)
  greater <- matrix(phyper(rep(j, each = n1 + 1), n2, n1, as.vector(s)), n1 + 1)
  pl <- sup_pvalue(less <= less[x1 + 1, x2 + 1] * (1 + 1e-13), n1, n2)
  pg <- sup_pvalue(greater <= greater[x1 + 1, x2 + 1] * (1 + 1e-13), n1, n2)
  min(1, 2 * min(pl, pg))
}

# Miettinen-Nurminen score statistics (Stat Med 1985;4:213); restricted MLEs in closed form
# (Farrington & Manning, Stat Med 1990 for the difference).
mn_stat <- function(x1, n1, x2, n2, measure, th) {
  N <- n1 + n2; p1 <- x1 / n1; p2 <- x2 / n2; corr <- N / (N - 1)
  if (measure == "rd") {
    t <- n2 / n1; a <- 1 + t; b <- -(1 + t + p1 + t * p2 + th * (t + 2))
    c <- th^2 + th * (2 * p1 + t + 1) + p1 + t * p2; d <- -p1 * th * (1 + th)
    v <- b^3 / (27 * a^3) - b * c / (6 * a^2) + d / (2 * a)
    u <- sqrt(max(b^2 / (9 * a^2) - c / (3 * a), 0)); if (v < 0) u <- -u
    w <- if (u == 0) pi / 2 else (pi + acos(min(1, max(-1, v / u^3)))) / 3
    r1 <- min(1, max(0, 2 * u * cos(w) - b / (3 * a))); r2 <- min(1, max(0, r1 - th))
    v <- (r1 * (1 - r1) / n1 + r2 * (1 - r2) / n2) * corr; dd <- p1 - p2 - th
  } else if (measure == "rr") {
    a <- N * th; b <- -(th * (n1 + x2) + x1 + n2); c <- x1 + x2
    r2 <- (-b - sqrt(max(b^2 - 4 * a * c, 0))) / (2 * a); r1 <- min(1, th * r2)
    v <- (r1 * (1 - r1) / n1 + th^2 * r2 * (1 - r2) / n2) * corr; dd <- p1 - th * p2
  } else {
    m <- x1 + x2
    if (abs(th - 1) < 1e-14) r2 <- m / N else {
      a <- n2 * (th - 1); b <- n1 * th + n2 - m * (th - 1)
      r2 <- (-b + sqrt(max(b^2 + 4 * a * m, 0))) / (2 * a)
    }
    r2 <- min(1, max(0, r2)); r1 <- r2 * th / (1 + r2 * (th - 1))
    return((x1 - n1 * r1) * sqrt((1 / (n1 * r1 * (1 - r1)) + 1 / (n2 * r2 * (1 - r2))) / corr))
  }
  if (v <= 0) return(if (dd == 0) 0 else sign(dd) * Inf)
  dd / sqrt(v)
}
mn_ci <- function(x1, n1, x2, n2, measure, z) {
  f <- function(th) mn_stat(x1, n1, x2, n2, measure, th)
  if (measure == "rd") {
    est <- x1 / n1 - x2 / n2
    lo <- if (f(-1 + 1e-12) <= z) -1 else uniroot(function(t) f(t) - z, c(-1 + 1e-12, est), tol = 1e-14)$root
    hi <- if (f(1 - 1e-12) >= -z) 1 else uniroot(function(t) f(t) + z, c(est, 1 - 1e-12), tol = 1e-14)$root
    return(c(est, lo, hi))
  }
  g <- function(lt) f(exp(lt))
  est <- if (measure == "rr") (x1 / n1) / (x2 / n2) else (x1 * (n2 - x2)) / ((n1 - x1) * x2)
  lo <- exp(uniroot(function(t) g(t) - z, c(-25, log(est)), tol = 1e-14)$root)
  hi <- exp(uniroot(function(t) g(t) + z, c(log(est), 25), tol = 1e-14)$root)
  c(est, lo, hi)
}
# fisher.test's conditional MLE and exact CI, transcribed from R's stats::fisher.test with the
# root-finding tolerance tightened from .Machine$double.eps^0.25 to 1e-14, so the reference is
# precise to far below the 1e-8 the tests ask for (fisher.test's own values are kept too).
cond_or <- function(x, m, n, k, conf.level) {
  tol <- 1e-14
  lo <- max(0, k - n); hi <- min(k, m); support <- lo:hi
  logdc <- dhyper(support, m, n, k, log = TRUE)
  dnhyper <- function(ncp) { d <- logdc + log(ncp) * support; d <- exp(d - max(d)); d / sum(d) }
  mnhyper <- function(ncp) { if (ncp == 0) return(lo); if (ncp == Inf) return(hi); sum(support * dnhyper(ncp)) }
  pnhyper <- function(q, ncp, upper.tail = FALSE) {
    if (ncp == 1) return(if (upper.tail) phyper(x - 1, m, n, k, lower.tail = FALSE) else phyper(x, m, n, k))
    if (ncp == 0) return(as.numeric(if (upper.tail) q <= lo else q >= lo))
    if (ncp == Inf) return(as.numeric(if (upper.tail) q <= hi else q >= hi))
    sum(dnhyper(ncp)[if (upper.tail) support >= q else support <= q])
  }
  mle <- function(x) {
    if (x == lo) return(0); if (x == hi) return(Inf)
    mu <- mnhyper(1)
    if (mu > x) uniroot(function(t) mnhyper(t) - x, c(0, 1), tol = tol)$root
    else if (mu < x) 1 / uniroot(function(t) mnhyper(1 / t) - x, c(.Machine$double.eps, 1), tol = tol)$root
    else 1
  }
  ncp.U <- function(x, alpha) {
    if (x == hi) return(Inf)
    p <- pnhyper(x, 1)
    if (p < alpha) uniroot(function(t) pnhyper(x, t) - alpha, c(0, 1), tol = tol)$root
    else if (p > alpha) 1 / uniroot(function(t) pnhyper(x, 1 / t) - alpha, c(.Machine$double.eps, 1), tol = tol)$root
    else 1
  }
  ncp.L <- function(x, alpha) {
    if (x == lo) return(0)
    p <- pnhyper(x, 1, upper.tail = TRUE)
    if (p > alpha) uniroot(function(t) pnhyper(x, t, upper.tail = TRUE) - alpha, c(0, 1), tol = tol)$root
    else if (p < alpha) 1 / uniroot(function(t) pnhyper(x, 1 / t, upper.tail = TRUE) - alpha, c(.Machine$double.eps, 1), tol = tol)$root
    else 1
  }
  a <- (1 - conf.level) / 2
  c(mle(x), ncp.L(x, a), ncp.U(x, a))
}
wilson <- function(x, n, lv) suppressWarnings(prop.test(x, n, conf.level = lv, correct = FALSE))$conf.int

test_rows <- list(); eff_rows <- list()
for (k in seq_len(nrow(tables))) {
  x1 <- tables[k, 1]; n1 <- tables[k, 2]; x2 <- tables[k, 3]; n2 <- tables[k, 4]
  m <- matrix(c(x1, n1 - x1, x2, n2 - x2), 2, byrow = TRUE)
  degenerate <- (x1 + x2 == 0) || (x1 + x2 == n1 + n2)
  addt <- function(method, stat, p) test_rows[[length(test_rows) + 1]] <<-
    data.frame(count1 = x1, nobs1 = n1, count2 = x2, nobs2 = n2, method = method, statistic = stat, pvalue = p)
  # chisq.test returns NaN on a zero margin; those rows are left empty (see the Python test).
  if (!degenerate) {
    r <- suppressWarnings(chisq.test(m, correct = FALSE)); addt("chi2", unname(r$statistic), r$p.value)
    r <- suppressWarnings(chisq.test(m, correct = TRUE)); addt("chi2-yates", unname(r$statistic), r$p.value)
    g <- g_test(x1, n1, x2, n2); addt("g-test", g[1], g[2])
    b <- barnard(x1, n1, x2, n2); addt("barnard", b[1], b[2])
    addt("boschloo", NA, boschloo(x1, n1, x2, n2))
  }
  addt("fisher", NA, fisher.test(m)$p.value)
  addt("fisher-midp", NA, fisher_midp(x1, n1, x2, n2))
  p1 <- x1 / n1; p2 <- x2 / n2; v <- p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
  if (v > 0) addt("z-unpooled", (p1 - p2) / sqrt(v), 2 * pnorm(-abs((p1 - p2) / sqrt(v))))

  for (lv in c(0.95, 0.90)) {
    z <- qnorm(1 - (1 - lv) / 2)
    adde <- function(measure, method, e) eff_rows[[length(eff_rows) + 1]] <<-
      data.frame(count1 = x1, nobs1 = n1, count2 = x2, nobs2 = n2, level = lv, measure = measure,
                 method = method, estimate = e[1], low = e[2], high = e[3])
    d <- p1 - p2
    adde("rd", "wald", c(d, max(-1, d - z * sqrt(v)), min(1, d + z * sqrt(v))))
    q1 <- (x1 + 1) / (n1 + 2); q2 <- (x2 + 1) / (n2 + 2)
    s <- sqrt(q1 * (1 - q1) / (n1 + 2) + q2 * (1 - q2) / (n2 + 2))
    adde("rd", "agresti-caffo", c(d, max(-1, q1 - q2 - z * s), min(1, q1 - q2 + z * s)))
    w1 <- wilson(x1, n1, lv); w2 <- wilson(x2, n2, lv)
    adde("rd", "newcombe", c(d, d - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2), d + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2)))
    adde("rd", "miettinen-nurminen", mn_ci(x1, n1, x2, n2, "rd", z))
    zero <- any(c(x1, n1 - x1, x2, n2 - x2) == 0)
    if (!zero) {
      # epitools: rows are exposure levels (first = reference), columns (no event, event).
      et <- matrix(c(n2 - x2, x2, n1 - x1, x1), 2, byrow = TRUE)
      rr <- riskratio.wald(et, conf.level = lv)$measure[2, ]
      or <- oddsratio.wald(et, conf.level = lv)$measure[2, ]
      adde("rr", "wald", unname(rr))
      adde("or", "wald", unname(or))
      adde("rr", "miettinen-nurminen", mn_ci(x1, n1, x2, n2, "rr", z))
      adde("or", "miettinen-nurminen", mn_ci(x1, n1, x2, n2, "or", z))
    } else {
      a <- x1 + .5; b <- n1 - x1 + .5; c <- x2 + .5; dd <- n2 - x2 + .5
      e <- (a / (a + b)) / (c / (c + dd)); se <- sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + dd))
      adde("rr", "wald", c(e, e * exp(-z * se), e * exp(z * se)))
      e <- a * dd / (b * c); se <- sqrt(1 / a + 1 / b + 1 / c + 1 / dd)
      adde("or", "wald", c(e, e * exp(-z * se), e * exp(z * se)))
    }
    ft <- fisher.test(m, conf.level = lv)
    adde("or", "conditional-fisher.test", c(unname(ft$estimate), ft$conf.int))
    adde("or", "conditional", cond_or(x1, x1 + x2, n1 + n2 - x1 - x2, n1, lv))
  }
}
write_ref(do.call(rbind, test_rows), "proportion_tests.csv")
write_ref(do.call(rbind, eff_rows), "effect_sizes.csv")

# ------------------------------------------------------------------------------------------
# 3. Meta-analysis: metafor::rma (PLO, PFT and OR; DL, REML, PM; with and without knha)
# ------------------------------------------------------------------------------------------
ctrl <- list(threshold = 1e-12, maxiter = 10000, tol = 1e-12)
meta_rows <- list()
for (s in 1:8) {
  k <- sample(2:10, 1)
  n1 <- sample(8:120, k, replace = TRUE); x1 <- rbinom(k, n1, runif(1, 0.15, 0.85))
  n2 <- sample(8:120, k, replace = TRUE); x2 <- rbinom(k, n2, runif(1, 0.15, 0.85))
  if (s == 1) { x1[1] <- 0 }          # a zero cell
  if (s == 2) { x1[1] <- n1[1] }      # a study with every patient responding
  for (measure in c("PLO", "PFT", "OR")) {
    es <- if (measure == "OR") escalc("OR", ai = x1, n1i = n1, ci = x2, n2i = n2) else escalc(measure, xi = x1, ni = n1)
    for (method in c("DL", "REML", "PM")) for (test in c("z", "knha")) {
      fit <- rma(yi, vi, data = es, method = method, test = test, control = ctrl)
      pr <- if (measure == "PFT") predict(fit, transf = transf.ipft.hm, targs = list(ni = n1)) else predict(fit)
      meta_rows[[length(meta_rows) + 1]] <- data.frame(
        set = s, measure = measure, method = method, test = test,
        events1 = paste(x1, collapse = ";"), totals1 = paste(n1, collapse = ";"),
        events2 = paste(x2, collapse = ";"), totals2 = paste(n2, collapse = ";"),
        estimate = as.numeric(fit$b), se = fit$se, ci_lb = fit$ci.lb, ci_ub = fit$ci.ub, tau2 = fit$tau2,
        i2 = fit$I2, q = fit$QE, q_p = fit$QEp, pi_lb = pr$pi.lb, pi_ub = pr$pi.ub,
        pred = pr$pred, pred_ci_lb = pr$ci.lb, pred_ci_ub = pr$ci.ub)
    }
  }
}
write_ref(do.call(rbind, meta_rows), "meta.csv")

# ------------------------------------------------------------------------------------------
# 4. Power: power.prop.test (equal n)
# ------------------------------------------------------------------------------------------
pw <- expand.grid(p1 = c(0.07, 0.3, 0.5, 0.656), p2 = c(0.21, 0.36, 0.738, 0.84), n = c(10, 42, 96, 200),
                  alpha = c(0.05, 0.01))
pw$power <- mapply(function(p1, p2, n, a) power.prop.test(n = n, p1 = p1, p2 = p2, sig.level = a)$power,
                   pw$p1, pw$p2, pw$n, pw$alpha)
pw$n_for_80 <- mapply(function(p1, p2, a) power.prop.test(p1 = p1, p2 = p2, sig.level = a, power = 0.8, tol = 1e-12)$n,
                      pw$p1, pw$p2, pw$alpha)
write_ref(pw, "power.csv")

# ------------------------------------------------------------------------------------------
# 5. Survival: survfit (three conf.types, medians), survdiff, cmprsk::cuminc
# ------------------------------------------------------------------------------------------
surv_sets <- list()
for (s in 1:4) {
  n <- c(25, 60, 12, 150)[s]
  tt <- round(rexp(n, 1 / 10))            # rounding makes ties
  cc <- round(runif(n, 2, 30))
  time <- pmax(1, pmin(tt, cc)); status <- as.integer(tt <= cc)
  if (s == 3) status[which.max(time)] <- 1  # a curve that reaches 0
  group <- sample(c("a", "b", "c"), n, replace = TRUE)
  if (s == 2) group <- ifelse(seq_len(n) <= 30, "a", "b")
  cause <- ifelse(status == 1, sample(1:2, n, replace = TRUE, prob = c(0.7, 0.3)), 0)
  surv_sets[[s]] <- data.frame(set = s, time = time, status = status, group = group, cause = cause)
}
surv_data <- do.call(rbind, surv_sets)
write_ref(surv_data, "survival_data.csv")

km_rows <- list(); med_rows <- list(); lr_rows <- list(); ci_rows2 <- list()
for (s in 1:4) {
  d <- surv_data[surv_data$set == s, ]
  for (ct in c("log", "log-log", "plain")) for (lv in c(0.95, 0.9)) {
    fit <- survfit(Surv(time, status) ~ 1, data = d, conf.type = ct, conf.int = lv)
    km_rows[[length(km_rows) + 1]] <- data.frame(set = s, conf_type = ct, level = lv, time = fit$time,
      n_risk = fit$n.risk, events = fit$n.event, censored = fit$n.censor, survival = fit$surv,
      std_err = fit$std.err, low = fit$lower, high = fit$upper)
    q <- quantile(fit, 0.5)
    med_rows[[length(med_rows) + 1]] <- data.frame(set = s, conf_type = ct, level = lv,
      median = unname(q$quantile), median_low = unname(q$lower), median_high = unname(q$upper))
  }
  sd <- survdiff(Surv(time, status) ~ group, data = d)
  lr_rows[[length(lr_rows) + 1]] <- data.frame(set = s, statistic = sd$chisq, df = length(sd$n) - 1,
                                               pvalue = pchisq(sd$chisq, length(sd$n) - 1, lower.tail = FALSE))
  ci <- cuminc(d$time, d$cause, cencode = 0)
  for (cause in c(1, 2)) {
    est <- ci[[paste("1", cause)]]
    ci_rows2[[length(ci_rows2) + 1]] <- data.frame(set = s, cause = cause, time = est$time, est = est$est, var = est$var)
  }
}
write_ref(do.call(rbind, km_rows), "km.csv")
write_ref(do.call(rbind, med_rows), "km_median.csv")
write_ref(do.call(rbind, lr_rows), "logrank.csv")
write_ref(do.call(rbind, ci_rows2), "cuminc.csv")
