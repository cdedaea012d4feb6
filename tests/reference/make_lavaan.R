#!/usr/bin/env Rscript
# Reference fits for kamreport.satisfaction.cbsem (tests/satisfaction/test_cbsem.py).
#
# Fits three models with lavaan's defaults for sem()/cfa() (ML, expected information,
# listwise, first loading fixed to 1, a single indicator's residual variance fixed to 0) and
# writes, per model, into this folder:
#   lavaan_<model>_estimates.csv  parameterEstimates() joined with standardizedSolution()$est.std
#   lavaan_<model>_fit.csv        fitMeasures() (measure, value) + converged, iterations
#   lavaan_<model>_implied.csv    model-implied covariance matrix (lavInspect(fit, "implied"))
# plus the two lavaan data sets as CSV so the Python suite needs no R:
#   lavaan_PoliticalDemocracy.csv, lavaan_HolzingerSwineford1939.csv
#
# Models: (1) ecsi_mobi   the ECSI model on mobi (Tenenhaus et al. 2005), all blocks reflective;
#         (2) poldem      Bollen (1989) Political Democracy, the lavaan tutorial's SEM example,
#                         with its six residual covariances;
#         (3) hs_cfa      Holzinger & Swineford (1939) three-factor CFA (lavaan tutorial).
#         (4) hs_fiml     the same CFA on lavaan_hs_missing.csv (HS with 10 % of the x1-x9 cells
#                         set missing completely at random, seed 2026), missing = "ml";
#         (5) hs_mlr, poldem_mlr, ecsi_mlr, hs_mlr_fiml  estimator = "MLR" (the last with
#                         missing = "ml");
#         (6) lavaan_<hs_cfa|poldem|ecsi_mobi>_modindices.csv  modindices() of (3), (2), (1);
#         (7) lavaan_hs_invariance.csv  the invariance ladder of the lavaan tutorial: the CFA by
#                         school, configural / metric (group.equal = "loadings") / scalar
#                         (+ "intercepts"), fitMeasures() and lavTestLRT() per step.
#
# Usage (from the repository root):  Rscript tests/reference/make_lavaan.R [path/to/mobi.csv]
# Default mobi path: ../shared/reference/mobi/mobi.csv relative to the repository root.

suppressPackageStartupMessages(library(lavaan))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
out_dir <- normalizePath(dirname(script))
repo <- normalizePath(file.path(out_dir, "..", ".."))
user_args <- commandArgs(trailingOnly = TRUE)
mobi_path <- if (length(user_args) >= 1) user_args[1] else
  file.path(repo, "..", "shared", "reference", "mobi", "mobi.csv")
software <- sprintf("lavaan %s, %s", as.character(packageVersion("lavaan")), R.version.string)

write_fit <- function(fit, name) {
  pe <- parameterEstimates(fit, ci = FALSE)
  ss <- standardizedSolution(fit, type = "std.all", ci = FALSE)
  pe$std_all <- ss$est.std
  pe <- pe[, c("lhs", "op", "rhs", "est", "se", "z", "pvalue", "std_all")]
  write.csv(pe, file.path(out_dir, sprintf("lavaan_%s_estimates.csv", name)),
            row.names = FALSE)
  fm <- fitMeasures(fit)
  fm <- data.frame(measure = names(fm), value = as.numeric(fm))
  fm <- rbind(fm, data.frame(measure = c("converged", "iterations", "information_observed"),
                             value = c(as.numeric(lavInspect(fit, "converged")),
                                       lavInspect(fit, "iterations"),
                                       as.numeric(lavInspect(fit, "options")$information[1] ==
                                                    "observed"))))
  fm$software <- software
  implied <- lavInspect(fit, "implied")$cov
  write.csv(data.frame(item = rownames(implied), unclass(implied), check.names = FALSE),
            file.path(out_dir, sprintf("lavaan_%s_implied.csv", name)), row.names = FALSE)
  write.csv(fm, file.path(out_dir, sprintf("lavaan_%s_fit.csv", name)), row.names = FALSE)
  cat(sprintf("%-10s chi2 = %.4f  df = %d  converged = %s\n", name,
              fitMeasures(fit, "chisq"), as.integer(fitMeasures(fit, "df")),
              lavInspect(fit, "converged")))
}

# (1) ECSI on mobi ---------------------------------------------------------------------------
mobi <- read.csv(mobi_path)
ecsi <- '
  Image        =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
  Expectation  =~ CUEX1 + CUEX2 + CUEX3
  Quality      =~ PERQ1 + PERQ2 + PERQ3 + PERQ4 + PERQ5 + PERQ6 + PERQ7
  Value        =~ PERV1 + PERV2
  Satisfaction =~ CUSA1 + CUSA2 + CUSA3
  Complaints   =~ CUSCO
  Loyalty      =~ CUSL1 + CUSL2 + CUSL3
  Expectation  ~ Image
  Quality      ~ Expectation
  Value        ~ Expectation + Quality
  Satisfaction ~ Image + Expectation + Quality + Value
  Complaints   ~ Satisfaction
  Loyalty      ~ Image + Satisfaction + Complaints
  CUSCO ~~ 0*CUSCO
'
ecsi_fit <- sem(ecsi, data = mobi)
write_fit(ecsi_fit, "ecsi_mobi")

# (2) Political Democracy (Bollen 1989, p. 332; lavaan tutorial "SEM") ------------------------
write.csv(PoliticalDemocracy, file.path(out_dir, "lavaan_PoliticalDemocracy.csv"),
          row.names = FALSE)
poldem <- '
  ind60 =~ x1 + x2 + x3
  dem60 =~ y1 + y2 + y3 + y4
  dem65 =~ y5 + y6 + y7 + y8
  dem60 ~ ind60
  dem65 ~ ind60 + dem60
  y1 ~~ y5
  y2 ~~ y4 + y6
  y3 ~~ y7
  y4 ~~ y8
  y6 ~~ y8
'
write_fit(sem(poldem, data = PoliticalDemocracy), "poldem")

# (3) Holzinger & Swineford (1939) three-factor CFA (lavaan tutorial "CFA") -------------------
hs <- HolzingerSwineford1939
write.csv(hs, file.path(out_dir, "lavaan_HolzingerSwineford1939.csv"), row.names = FALSE)
hs_model <- '
  visual  =~ x1 + x2 + x3
  textual =~ x4 + x5 + x6
  speed   =~ x7 + x8 + x9
'
write_fit(cfa(hs_model, data = hs), "hs_cfa")

# (4) FIML: the CFA on HS with planted MCAR missing cells ------------------------------------
set.seed(2026)
hs_missing <- hs[, c("id", "school", paste0("x", 1:9))]
holes <- matrix(runif(nrow(hs_missing) * 9) < 0.10, ncol = 9)
for (j in 1:9) hs_missing[holes[, j], paste0("x", j)] <- NA
write.csv(hs_missing, file.path(out_dir, "lavaan_hs_missing.csv"), row.names = FALSE,
          na = "")
write_fit(cfa(hs_model, data = hs_missing, missing = "ml"), "hs_fiml")

# (5) MLR: Huber-White standard errors, Yuan-Bentler scaled test, robust CFI/TLI/RMSEA --------
write_fit(cfa(hs_model, data = hs, estimator = "MLR"), "hs_mlr")
write_fit(sem(poldem, data = PoliticalDemocracy, estimator = "MLR"), "poldem_mlr")
write_fit(cfa(hs_model, data = hs_missing, estimator = "MLR", missing = "ml"), "hs_mlr_fiml")
write_fit(sem(ecsi, data = mobi, estimator = "MLR"), "ecsi_mlr")

# (6) modification indices -------------------------------------------------------------------
write_mi <- function(fit, name) {
  mi <- modindices(fit, sort. = TRUE)
  mi <- mi[, c("lhs", "op", "rhs", "mi", "epc", "sepc.all")]
  write.csv(mi, file.path(out_dir, sprintf("lavaan_%s_modindices.csv", name)), row.names = FALSE)
}
write_mi(cfa(hs_model, data = hs), "hs_cfa")
write_mi(sem(poldem, data = PoliticalDemocracy), "poldem")
write_mi(ecsi_fit, "ecsi_mobi")

# (7) measurement invariance by school (lavaan tutorial "Multiple groups") --------------------
configural <- cfa(hs_model, data = hs, group = "school")
metric <- cfa(hs_model, data = hs, group = "school", group.equal = "loadings")
scalar <- cfa(hs_model, data = hs, group = "school", group.equal = c("loadings", "intercepts"))
measures <- c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr", "npar", "logl",
              "baseline.chisq", "baseline.df")
ladder <- t(sapply(list(configural, metric, scalar), fitMeasures, measures))
ladder <- data.frame(model = c("configural", "metric", "scalar"), ladder)
lrt <- lavTestLRT(configural, metric, scalar)
ladder$chisq_diff <- lrt[["Chisq diff"]]
ladder$df_diff <- lrt[["Df diff"]]
ladder$p_diff <- lrt[["Pr(>Chisq)"]]
ladder$group_order <- paste(lavInspect(configural, "group.label"), collapse = ";")
ladder$software <- software
write.csv(ladder, file.path(out_dir, "lavaan_hs_invariance.csv"), row.names = FALSE)
pe <- parameterEstimates(scalar, ci = FALSE)
write.csv(pe[, c("lhs", "op", "rhs", "group", "est", "se")],
          file.path(out_dir, "lavaan_hs_scalar_estimates.csv"), row.names = FALSE)
print(ladder)
