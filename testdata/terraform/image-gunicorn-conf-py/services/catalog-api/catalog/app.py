from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.get("/products/<int:product_id>")
def product(product_id: int):
    return jsonify(id=product_id)
