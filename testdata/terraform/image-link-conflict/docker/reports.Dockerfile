FROM python:3.12-slim
WORKDIR /app
COPY services/reports-py/ .
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "reports:app"]
