#!/usr/bin/python3
# data/scoring/make_reference.py: builds the committed test fixtures of the
# scoring room and their oracle values with statsmodels and scikit-learn
# (Debian python3-statsmodels, python3-sklearn).
#
#   /usr/bin/python3 data/scoring/make_reference.py [SHARED_DATA_DIR]
#
# Writes, next to this script:
#   readmit_sample.csv   3,000 rows of the UCI "Diabetes 130-US hospitals"
#                        set (CC BY 4.0): 30-day readmission + 9 features
#   reference.json       statsmodels Logit (tol 1e-14) on the sample and on
#                        MADlib's 20-row example; sklearn L2 fits (C = 1/l2)
#                        on the standardised sample; and, when the shared
#                        no-show data exist, statsmodels/sklearn on them.
import csv, io, json, os, sys, zipfile
import numpy as np
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression

D = os.path.dirname(os.path.abspath(__file__))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(D, "..", "..", "..", "shared", "data")
if not os.path.isdir(SHARED):
    SHARED = "/work/shared/data"

def sm_fit(y, X):
    m = sm.Logit(y, sm.add_constant(X, has_constant="add")).fit(disp=0, method="newton", tol=1e-14, maxiter=200)
    return dict(coef=m.params.tolist(), se=m.bse.tolist(), z=m.tvalues.tolist(), p=m.pvalues.tolist(),
                llf=float(m.llf), llnull=float(m.llnull), iterations=int(m.mle_retvals["iterations"]))

def sk_l2(y, X, lam):
    mu, sd = X.mean(0), X.std(0)
    Z = (X - mu) / sd
    sk = LogisticRegression(C=1.0 / lam, tol=1e-10, max_iter=1000, solver="newton-cholesky").fit(Z, y)
    b = np.r_[sk.intercept_[0] - (sk.coef_[0] * mu / sd).sum(), sk.coef_[0] / sd]
    return dict(l2=lam, coef=b.tolist(), coef_standardised=np.r_[sk.intercept_, sk.coef_[0]].tolist())

out = {}
# 1. The readmission sample: every 33rd encounter with a known gender.
FEATURES = ["female", "age_decade", "time_in_hospital", "num_lab_procedures", "num_procedures",
            "num_medications", "number_outpatient", "number_emergency", "number_inpatient"]
if not os.path.exists(os.path.join(D, "readmit_sample.csv")):
    z = zipfile.ZipFile(os.path.join(SHARED, "appointments", "dataset_diabetes.zip"))
    rows = list(csv.DictReader(io.TextIOWrapper(z.open("dataset_diabetes/diabetic_data.csv"), newline="")))
    with open(os.path.join(D, "readmit_sample.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["encounter_id", "readmitted_30"] + FEATURES)
        kept = 0
        for i, r in enumerate(rows):
            if i % 33 or r["gender"] not in ("Female", "Male"):
                continue
            w.writerow([r["encounter_id"], 1 if r["readmitted"] == "<30" else 0, 1 if r["gender"] == "Female" else 0,
                        int(r["age"][1:r["age"].index("-")]) // 10] +
                       [int(r[c]) for c in FEATURES[2:]])
            kept += 1
            if kept == 3000:
                break
A = np.loadtxt(os.path.join(D, "readmit_sample.csv"), delimiter=",", skiprows=1)
y, X = A[:, 1], A[:, 2:]
out["readmit"] = dict(features=FEATURES, rows=int(len(y)), statsmodels=sm_fit(y, X),
                      sklearn_l2=[sk_l2(y, X, lam) for lam in (0.5, 10.0)])

# 2. MADlib's documented 20-row example (logregr_train docs).
d = [(1,1,70),(1,1,80),(1,1,50),(1,0,60),(1,0,40),(1,0,65),(1,0,75),(1,0,80),(1,0,70),(1,0,60),
     (0,1,65),(0,1,50),(0,1,45),(0,1,35),(0,1,40),(0,1,50),(0,0,55),(0,0,45),(0,0,50),(0,0,60)]
yb = np.array([r[0] for r in d], float); Xb = np.array([[r[1], r[2]] for r in d], float)
out["madlib_patients"] = dict(statsmodels=sm_fit(yb, Xb),
                              madlib=dict(coef=[-6.36346994178192, -1.02410605239327, 0.119044916668607],
                                          llf=-9.41018298388876, condition_no=326.081922791575))

# 3. The shared no-show set (not committed: its licence does not allow it).
ns = os.path.join(SHARED, "appointments", "noshow_features_clean.csv")
if os.path.exists(ns):
    B = np.loadtxt(ns, delimiter=",", skiprows=1)
    out["noshow"] = dict(rows=int(len(B)), statsmodels=sm_fit(B[:, 0], B[:, 1:]),
                         sklearn_l2=[sk_l2(B[:, 0], B[:, 1:], 1.0)])
json.dump(out, open(os.path.join(D, "reference.json"), "w"), indent=1)
print("wrote", os.path.join(D, "reference.json"))
