"""Campaigns and letter-writing evenings: chosen prisoners, a goal, progress and report-back."""
